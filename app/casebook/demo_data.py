"""The demo network's content: fictional cases and discussions (no real patient).

Each case: (author, title, specialty, fields, tags, comments, outcome). Authors are
indexes into :data:`PEOPLE` (0 is the demo user); a comment is (author, text).
"""

from __future__ import annotations

PEOPLE = ["Dr. Sam Rivera", "Dr. Amara Okafor", "Dr. Lukas Brenner", "Dr. Mei Chen"]

Case = tuple[int, str, str, dict[str, str], list[str], list[tuple[int, str]], str | None]

CASES: list[Case] = [
    (
        1,
        "Exertional syncope in a 17-year-old footballer",
        "cardiology",
        {
            "presentation": "Collapsed mid-sprint during training, brief loss of consciousness "
            "(< 30 s), no prodrome, full recovery.",
            "history": "No previous episodes. Paternal uncle died suddenly at 34.",
            "findings": "ECG: LVH voltage criteria, deep T-wave inversion V4–V6. Echo: "
            "septum 19 mm, no LVOT gradient at rest.",
            "question": "Further risk stratification before any return to sport?",
        },
        ["syncope", "hcm", "sports"],
        [
            (2, "Exercise echo for provoked LVOT gradient, Holter, and cardiac MRI for LGE."),
            (3, "Family screening for first-degree relatives; genetic testing if available."),
            (0, "Agree — and hold competitive sport until the MRI is back."),
        ],
        "MRI: asymmetric septal hypertrophy, patchy LGE 8 %. ICD discussed; sport paused.",
    ),
    (
        2,
        "New AF with rapid ventricular response after hip surgery",
        "cardiology",
        {
            "presentation": "Palpitations day 2 after hip replacement, HR 150, BP 105/60.",
            "history": "Hypertension, CKD stage 3a. No prior arrhythmia.",
            "findings": "AF on ECG, K 3.3, Mg 0.6, Hb 9.8.",
            "question": "Rate or rhythm control here, and anticoagulation given the surgery?",
        },
        ["af", "perioperative"],
        [
            (1, "Replete K and Mg first; many revert spontaneously once the trigger settles."),
            (3, "CHA2DS2-VASc 3: discuss timing of anticoagulation with the orthopaedic team."),
        ],
        None,
    ),
    (
        3,
        "Recurrent hypoglycaemia in a non-diabetic woman",
        "endocrinology",
        {
            "presentation": "Episodes of confusion and sweating before lunch, glucose 2.4 "
            "during one episode.",
            "history": "No diabetes in the household; no alcohol excess.",
            "findings": "Insulin and C-peptide high during the episode; sulfonylurea screen "
            "negative.",
            "question": "Next imaging for a suspected insulinoma?",
        },
        ["hypoglycaemia", "insulinoma"],
        [
            (2, "Pancreatic CT first; endoscopic ultrasound if negative."),
            (0, "A 72-hour fast can confirm it if the picture is unclear."),
        ],
        "EUS found a 1.4 cm lesion in the tail; enucleated, symptoms resolved.",
    ),
    (
        0,
        "Chest pain with normal troponins and a widened mediastinum",
        "emergency",
        {
            "presentation": "Sudden tearing chest pain radiating to the back.",
            "history": "Long-standing poorly controlled hypertension.",
            "findings": "BP 190/100 right arm, 150/85 left. Troponin normal twice. CXR: "
            "widened mediastinum.",
            "question": "CT angiography straight away, or bedside echo first?",
        },
        ["aorta", "chest-pain"],
        [
            (1, "CTA without delay; bedside echo only if it does not hold up the scan."),
            (2, "Start IV beta-blocker to a heart rate near 60 while arranging the CT."),
        ],
        "Type A dissection on CTA; operated the same night, good recovery.",
    ),
    (
        3,
        "Fatigue and pancytopenia in a 45-year-old vegan",
        "haematology",
        {
            "presentation": "Six months of fatigue and paraesthesia in both feet.",
            "history": "Strict vegan diet for 10 years, no supplements.",
            "findings": "Hb 8.1, MCV 118, platelets 98, WBC 3.1. B12 very low.",
            "question": "Is B12 deficiency enough to explain the pancytopenia?",
        },
        ["b12", "anaemia"],
        [
            (0, "Yes, it can; repeat the count after replacement to be sure."),
            (1, "Check folate and a film; hypersegmented neutrophils would fit."),
        ],
        "Counts normal 8 weeks after IM B12; neuropathy improving.",
    ),
    (
        1,
        "Wide-complex tachycardia, haemodynamically stable",
        "cardiology",
        {
            "presentation": "Palpitations for 2 hours, HR 180, BP 125/80, alert.",
            "history": "Old anterior myocardial infarction.",
            "findings": "Regular broad-complex tachycardia, QRS 160 ms, AV dissociation.",
            "question": "Treat as VT even if it might be SVT with aberrancy?",
        },
        ["vt", "ecg"],
        [
            (
                2,
                "With prior MI it is VT until proven otherwise. Amiodarone or synchronised "
                "cardioversion.",
            ),
            (0, "AV dissociation settles it."),
        ],
        None,
    ),
    (
        2,
        "Headache and papilloedema in a young woman",
        "neurology",
        {
            "presentation": "Daily headache for 2 months, transient visual obscurations.",
            "history": "Recent weight gain, started on a tetracycline for acne.",
            "findings": "Bilateral papilloedema. MRI and MRV normal. Opening pressure 34 cmH2O.",
            "question": "Stop the antibiotic and start acetazolamide?",
        },
        ["iih", "headache"],
        [
            (3, "Yes to both, plus formal visual fields and weight management."),
            (1, "Urgent ophthalmology if the visual fields are already affected."),
        ],
        "Symptoms settled on acetazolamide; fields stable at 3 months.",
    ),
    (
        0,
        "Hyponatraemia after starting a thiazide",
        "internal medicine",
        {
            "presentation": "Confusion and falls 3 weeks after a new antihypertensive.",
            "history": "Started a thiazide-like diuretic; drinks a lot of tea.",
            "findings": "Na 118, K 3.1, urine osmolality 420.",
            "question": "Safe rate of correction?",
        },
        ["sodium", "drug-reaction"],
        [
            (
                3,
                "Aim for no more than 8–10 mmol/L in the first 24 h; watch for overshoot "
                "once the diuretic is stopped.",
            ),
            (2, "Hypertonic saline only if the symptoms are severe."),
        ],
        None,
    ),
    (
        3,
        "Painless jaundice and weight loss",
        "gastroenterology",
        {
            "presentation": "Jaundice, itch and 6 kg weight loss over 2 months.",
            "history": "New-onset diabetes last year.",
            "findings": "Bilirubin 180, ALP raised. Ultrasound: dilated ducts. CA 19-9 raised.",
            "question": "Stent before staging, or straight to surgical review?",
        },
        ["pancreas", "jaundice"],
        [
            (1, "Staging CT first; avoid a plastic stent before the surgeons decide."),
            (0, "Agree; new diabetes plus painless jaundice is a classic red flag."),
        ],
        None,
    ),
    (
        1,
        "Bradycardia in a marathon runner with dizziness",
        "cardiology",
        {
            "presentation": "Dizzy spells at rest, HR 38 on a smartwatch at night.",
            "history": "Runs 80 km a week.",
            "findings": "Sinus bradycardia 44, first-degree AV block, normal echo.",
            "question": "Athlete's heart, or conduction disease needing a pacemaker?",
        },
        ["bradycardia", "sports"],
        [
            (2, "Exercise test: a normal chronotropic response favours athlete's heart."),
            (0, "A detraining period with a loop recorder can help if symptoms persist."),
        ],
        "Normal exercise response; symptoms resolved with reduced training volume.",
    ),
    (
        2,
        "Fever and a new murmur in a patient with a prosthetic valve",
        "infectious disease",
        {
            "presentation": "Two weeks of fevers and night sweats.",
            "history": "Mechanical aortic valve for 6 years; dental work last month.",
            "findings": "New regurgitant murmur. 3/3 blood cultures: viridans streptococci.",
            "question": "TOE now, and when to involve the surgeons?",
        },
        ["endocarditis", "valve"],
        [
            (1, "TOE now; early surgical review for any prosthetic-valve endocarditis."),
            (3, "Check the INR closely on antibiotics."),
        ],
        None,
    ),
    (
        0,
        "Persistent cough and a normal chest X-ray",
        "respiratory",
        {
            "presentation": "Dry cough for 10 weeks, worse at night.",
            "history": "Started an ACE inhibitor 3 months ago; no smoking.",
            "findings": "Chest X-ray and spirometry normal.",
            "question": "Stop the ACE inhibitor first, or test for asthma and reflux?",
        },
        ["cough", "drug-reaction"],
        [
            (3, "Stop the ACE inhibitor; the cough can take up to 3 months to settle."),
            (2, "An ARB is a reasonable replacement."),
        ],
        "Cough gone 6 weeks after switching to an ARB.",
    ),
    (
        3,
        "Acute kidney injury after contrast and an NSAID",
        "nephrology",
        {
            "presentation": "Creatinine doubled 48 h after a CT angiogram.",
            "history": "Diabetes, on metformin and an ACE inhibitor; took ibuprofen for back pain.",
            "findings": "Urine output 0.4 mL/kg/h, K 5.6, bland urine sediment.",
            "question": "Which drugs to hold, and when to restart them?",
        },
        ["aki", "contrast"],
        [
            (
                0,
                "Hold the metformin, ACE inhibitor and NSAID; restart once creatinine is "
                "back near baseline.",
            ),
            (1, "Treat the potassium and recheck in 6 hours."),
        ],
        None,
    ),
    (
        1,
        "Syncope while shaving",
        "cardiology",
        {
            "presentation": "Two faints while shaving or turning the head.",
            "history": "Hypertension; otherwise well.",
            "findings": "Carotid sinus massage: 5 s asystole with symptoms reproduced.",
            "question": "Pacemaker for carotid sinus hypersensitivity?",
        },
        ["syncope", "pacing"],
        [
            (2, "Cardioinhibitory with reproduced symptoms: dual-chamber pacing helps."),
        ],
        "Pacemaker implanted; no further syncope at 6 months.",
    ),
    (
        2,
        "Thunderclap headache with a normal CT",
        "neurology",
        {
            "presentation": "Worst headache of life, peaked within a minute.",
            "history": "No previous headaches of this kind.",
            "findings": "Non-contrast CT at 8 h normal; neurologically intact.",
            "question": "Lumbar puncture or CT angiography next?",
        },
        ["headache", "sah"],
        [
            (3, "LP at 12 h for xanthochromia, or CTA; local practice varies."),
            (0, "Consider RCVS too if there are recurrent thunderclaps."),
        ],
        None,
    ),
    (
        0,
        "Recurrent gout flares despite allopurinol",
        "rheumatology",
        {
            "presentation": "Four flares in 6 months.",
            "history": "On allopurinol 100 mg for a year, CKD stage 3.",
            "findings": "Urate 0.52 mmol/L; tophi on both elbows.",
            "question": "How fast can the dose go up with reduced kidney function?",
        },
        ["gout"],
        [
            (
                1,
                "Titrate by 50–100 mg every few weeks to a target below 0.36, with flare "
                "prophylaxis.",
            ),
            (2, "Febuxostat if allopurinol is not tolerated."),
        ],
        "Urate 0.33 on 300 mg; no flares since.",
    ),
    (
        3,
        "Postpartum shortness of breath",
        "cardiology",
        {
            "presentation": "Breathlessness and orthopnoea 3 weeks after delivery.",
            "history": "First pregnancy, pre-eclampsia.",
            "findings": "BNP high. Echo: LVEF 30 %, dilated LV.",
            "question": "Peripartum cardiomyopathy — bromocriptine?",
        },
        ["cardiomyopathy", "pregnancy"],
        [
            (
                1,
                "Standard heart-failure therapy adapted for breastfeeding; bromocriptine in "
                "selected cases with anticoagulation.",
            ),
            (2, "Follow-up echo at 6 months guides long-term treatment."),
        ],
        None,
    ),
    (
        1,
        "Palpitations and weight loss in a young man",
        "endocrinology",
        {
            "presentation": "Palpitations, tremor and 5 kg weight loss.",
            "history": "Recent viral illness with a sore neck.",
            "findings": "Free T4 high, TSH suppressed, low uptake on scan, tender thyroid.",
            "question": "Beta-blocker only, or an antithyroid drug as well?",
        },
        ["thyroid"],
        [
            (0, "Subacute thyroiditis: beta-blocker and NSAID; antithyroid drugs do not help."),
        ],
        "Thyroid function normal at 8 weeks, brief hypothyroid phase after.",
    ),
    (
        2,
        "Anaemia with a positive faecal immunochemical test",
        "gastroenterology",
        {
            "presentation": "Fatigue, iron-deficiency anaemia.",
            "history": "On aspirin for secondary prevention.",
            "findings": "Hb 9.0, ferritin 6, FIT positive.",
            "question": "Colonoscopy and gastroscopy together?",
        },
        ["anaemia", "endoscopy"],
        [
            (3, "Bidirectional endoscopy; continue the aspirin unless there is active bleeding."),
        ],
        "Caecal adenocarcinoma found early; resected.",
    ),
    (
        0,
        "Leg swelling after a long flight",
        "vascular",
        {
            "presentation": "Painful swollen left calf 3 days after a 12-hour flight.",
            "history": "On an oral contraceptive.",
            "findings": "Ultrasound: popliteal DVT. D-dimer high.",
            "question": "How long to anticoagulate a provoked DVT?",
        },
        ["dvt", "anticoagulation"],
        [
            (1, "Three months for a provoked DVT; switch contraception."),
            (3, "No need for thrombophilia testing here."),
        ],
        None,
    ),
]

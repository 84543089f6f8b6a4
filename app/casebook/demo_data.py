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
            (
                3,
                "CHA2DS2-VASc 3: discuss timing of anticoagulation with the orthopaedic team. "
                "@Rivera, would you start a DOAC before the wound check?",
            ),
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
    (
        1,
        "Tense blisters on the trunk and thighs in a 78-year-old man",
        "dermatology",
        {
            "presentation": "Itchy urticarial plaques for 6 weeks, now tense blisters on the "
            "trunk, thighs and forearms; mouth spared.",
            "history": "Type 2 diabetes; a DPP-4 inhibitor was started 8 months ago.",
            "findings": "Nikolsky sign negative. Biopsy: subepidermal blister with eosinophils; "
            "direct immunofluorescence shows linear IgG and C3 at the basement membrane.",
            "question": "Stop the gliptin, and is a potent topical steroid enough?",
        },
        ["bullous-pemphigoid", "drug-reaction"],
        [
            (3, "Stop the gliptin: DPP-4 inhibitor-associated pemphigoid is well described."),
            (
                0,
                "Whole-body clobetasol works as well as oral prednisolone for extensive "
                "disease, with fewer side effects.",
            ),
            (2, "Watch the glucose if systemic steroids are needed after all."),
        ],
        "Gliptin stopped, clobetasol tapered over 4 months; no new blisters at 6 months.",
    ),
    (
        2,
        "Six days of fever and cracked lips in a 3-year-old",
        "paediatrics",
        {
            "presentation": "Fever to 39.8 °C for 6 days, bilateral non-purulent conjunctival "
            "injection, red cracked lips.",
            "history": "Previously well, immunisations up to date. No response to two "
            "courses of oral antibiotics.",
            "findings": "CRP 140, albumin 28, ALT 70, sterile pyuria. Echo: LAD z-score +2.1.",
            "question": "Incomplete criteria: start IVIG now, and is aspirin still needed?",
        },
        ["kawasaki", "fever"],
        [
            (1, "IVIG now: with a dilated coronary artery you do not wait for full criteria."),
            (
                3,
                "Aspirin as per local protocol; coronary changes at diagnosis are a high-risk "
                "feature, so consider adding steroids.",
            ),
        ],
        "Afebrile within 24 h of IVIG; LAD z-score +1.4 at 6 weeks.",
    ),
    (
        3,
        "New headache and jaw claudication in a 74-year-old woman",
        "rheumatology",
        {
            "presentation": "Two weeks of new temporal headache, pain on chewing and one "
            "episode of transient blurred vision in the right eye.",
            "history": "Shoulder-girdle stiffness for 2 months.",
            "findings": "Tender, pulseless right temporal artery. ESR 88, CRP 95. Fundi normal.",
            "question": "Steroids before the biopsy or ultrasound, and at what dose?",
        },
        ["giant-cell-arteritis", "headache"],
        [
            (0, "Start prednisolone today, 60 mg given the visual symptom; do not wait."),
            (
                1,
                "Temporal artery ultrasound within a week; biopsy stays positive for some "
                "time after steroids are started.",
            ),
            (2, "Bone protection from day one; tocilizumab if a steroid-sparing agent is needed."),
        ],
        None,
    ),
    (
        0,
        "Fever and confusion after travel to a malaria-endemic area",
        "infectious disease",
        {
            "presentation": "Fever, rigors and new confusion 12 days after returning home.",
            "history": "No malaria prophylaxis taken. No previous illness.",
            "findings": "Films: P. falciparum, parasitaemia 6 %. Platelets 40, bilirubin 55, "
            "creatinine 180, glucose 3.2.",
            "question": "IV artesunate is on its way: what else in the first hours?",
        },
        ["malaria", "travel"],
        [
            (3, "Severe malaria on several counts: ICU review and hourly glucose checks."),
            (1, "Be cautious with fluids; pulmonary oedema comes on easily in severe malaria."),
            (2, "Repeat the film at 24 h and watch for delayed haemolysis after artesunate."),
        ],
        "Parasites cleared by day 3; mild delayed haemolysis in week 2, no transfusion.",
    ),
    (
        1,
        "Fever, rigidity and a high CK after haloperidol",
        "psychiatry",
        {
            "presentation": "Confused, febrile and diffusely rigid 3 days after IM haloperidol "
            "for acute agitation.",
            "history": "Schizophrenia; also takes an SSRI. Dehydrated on admission.",
            "findings": "Temperature 39.5 °C, CK 12 400, WBC 14, creatinine rising. "
            "Lead-pipe rigidity, no clonus, normal reflexes.",
            "question": "Neuroleptic malignant syndrome or serotonin syndrome, and is "
            "dantrolene needed?",
        },
        ["nms", "drug-reaction"],
        [
            (
                2,
                "Slow onset, lead-pipe rigidity and no clonus favour NMS. Stop the "
                "antipsychotic, cool, give IV fluids.",
            ),
            (0, "Benzodiazepines first; dantrolene if the rigidity or fever does not settle."),
        ],
        None,
    ),
    (
        2,
        "Headache and epigastric pain at 34 weeks",
        "obstetrics",
        {
            "presentation": "Severe frontal headache and epigastric pain in a first pregnancy.",
            "history": "Normal blood pressure at booking.",
            "findings": "BP 168/112, proteinuria 3+, brisk reflexes. Platelets 85, ALT 240, "
            "LDH raised.",
            "question": "Deliver now, or give steroids and wait 48 hours?",
        },
        ["pre-eclampsia", "hellp", "pregnancy"],
        [
            (
                3,
                "HELLP with severe features: magnesium sulfate, control the BP, and deliver "
                "once she is stable; do not wait for steroids.",
            ),
        ],
        "Delivered by caesarean the same day; platelets normal by day 4, BP on oral agents.",
    ),
    (
        3,
        "Sudden painless loss of vision in one eye",
        "ophthalmology",
        {
            "presentation": "Painless loss of vision in the left eye, noticed 3 hours ago.",
            "history": "Atrial fibrillation; anticoagulation stopped after a fall.",
            "findings": "Counting fingers only, relative afferent pupillary defect, pale "
            "retina with a cherry-red spot.",
            "question": "Any acute treatment worth trying, and who leads the work-up?",
        },
        ["crao", "stroke"],
        [
            (0, "Treat it as a stroke: urgent stroke-unit referral, same pathway as a TIA."),
            (2, "Check ESR and CRP too: giant-cell arteritis must not be missed."),
        ],
        None,
    ),
    (
        0,
        "Thrombocytopenia and confusion with a normal clotting screen",
        "haematology",
        {
            "presentation": "Two days of headache, intermittent confusion and petechiae.",
            "history": "Previously well; no new medication.",
            "findings": "Hb 78, platelets 12, schistocytes on the film, LDH high, "
            "reticulocytes raised. PT and APTT normal.",
            "question": "Plasma exchange before the ADAMTS13 result is back?",
        },
        ["ttp", "thrombocytopenia"],
        [
            (3, "PLASMIC score is high: start plasma exchange and steroids without waiting."),
            (1, "Avoid platelet transfusion unless there is life-threatening bleeding."),
            (2, "Discuss caplacizumab once ADAMTS13 confirms it."),
        ],
        "ADAMTS13 activity below 5 % with an inhibitor; remission after plasma exchange, "
        "steroids, caplacizumab and rituximab.",
    ),
    (
        1,
        "Haemoptysis and rising creatinine over a week",
        "nephrology",
        {
            "presentation": "Cough with haemoptysis and a week of reduced urine output.",
            "history": "Smoker; normal kidney function a year ago.",
            "findings": "Creatinine 450. Urine: blood 3+, protein 2+, red cell casts. "
            "CXR: bilateral alveolar shadowing.",
            "question": "Pulse steroids and plasma exchange before the serology is back?",
        },
        ["pulmonary-renal", "vasculitis", "aki"],
        [
            (0, "Send anti-GBM and ANCA today; pulse methylprednisolone now."),
            (2, "Plasma exchange if anti-GBM is positive; kidney biopsy once stable."),
        ],
        None,
    ),
    (
        2,
        "Acute confusion in an 84-year-old after a new bladder tablet",
        "geriatrics",
        {
            "presentation": "Confusion, day-night reversal and two falls over 5 days.",
            "history": "Mild cognitive impairment. Oxybutynin started 2 weeks ago for urge "
            "incontinence; long-term amitriptyline for neuropathic pain.",
            "findings": "Dry mouth, 700 mL residual on bladder scan, no focal signs. Bloods "
            "and urine culture unremarkable.",
            "question": "Stop both drugs at once, and what instead for the bladder?",
        },
        ["delirium", "anticholinergic", "polypharmacy"],
        [
            (1, "Stop the oxybutynin now; taper the amitriptyline rather than stop it."),
            (3, "Catheterise for the retention. Mirabegron later if the urgency returns."),
            (0, "Worth adding up the anticholinergic burden of the whole drug list."),
            (3, "And a collateral history of baseline cognition before anyone says dementia."),
        ],
        "Clear within a week of stopping oxybutynin; back to baseline, catheter out.",
    ),
    (
        3,
        "Back pain and leg heaviness with metastatic prostate cancer",
        "oncology",
        {
            "presentation": "Two weeks of worsening thoracic back pain, now unsteady with "
            "heavy legs.",
            "history": "Metastatic prostate cancer on hormone therapy.",
            "findings": "Sensory level at T10, brisk reflexes, continent. MRI: single-level "
            "metastasis compressing the cord.",
            "question": "Dexamethasone now; surgery or radiotherapy?",
        },
        ["cord-compression", "oncology-emergency"],
        [
            (
                1,
                "Dexamethasone with PPI cover, and an urgent spinal surgical opinion: still "
                "walking with a single level favours surgery, then radiotherapy.",
            ),
        ],
        None,
    ),
    (
        3,
        "Persistent hyponatraemia in a young woman on an SSRI",
        "endocrinology",
        {
            "presentation": "Nausea and unsteadiness; sodium 124, unchanged over two weeks.",
            "history": "Sertraline started six weeks ago; otherwise well, no diuretics.",
            "findings": "Euvolaemic. Urine osmolality 480, urine sodium 52. TSH and a "
            "short Synacthen test normal.",
            "question": "Stop the sertraline, or fluid restriction first?",
        },
        ["hyponatraemia", "siadh"],
        [],  # nobody has answered yet: the sidebar's Unanswered view
        None,
    ),
    (
        0,
        "Headache and a low CD4 count at a new HIV diagnosis",
        "infectious disease",
        {
            "presentation": "Three weeks of worsening headache and low-grade fever.",
            "history": "HIV diagnosed last week; not yet on antiretrovirals.",
            "findings": "CD4 45. Opening pressure 32 cmH2O; CSF cryptococcal antigen positive.",
            "question": "Induction regimen, and when to start antiretrovirals?",
        },
        ["cryptococcus", "hiv", "meningitis"],
        [
            (2, "Amphotericin with flucytosine; repeat LPs to bring the pressure down."),
            (1, "Defer ART for 4–6 weeks: starting early raised mortality in trials."),
        ],
        None,
    ),
]

# A differential poll on the demo user's open case, and three colleagues' answers.
POLL_CASE = "Leg swelling after a long flight"
POLL_ANSWERS = [
    (1, ["Deep vein thrombosis", "Cellulitis", "Ruptured popliteal cyst"]),
    (2, ["Deep vein thrombosis", "Superficial thrombophlebitis"]),
    (3, ["Ruptured popliteal cyst", "Deep vein thrombosis", "Calf muscle strain"]),
]

# Flags colleagues raised for the moderators (flagger, case title, index of the comment in
# the case's discussion or None for the case, reason); the demo user, an admin, reads them.
FLAGS = [
    (
        2,
        "Back pain and leg heaviness with metastatic prostate cancer",
        0,
        "Clinically wrong: radiotherapy alone is the usual first choice here",
    ),
    (
        3,
        "Back pain and leg heaviness with metastatic prostate cancer",
        0,
        "Not in line with the regional cord compression pathway",
    ),
    (
        1,
        "Recurrent hypoglycaemia in a non-diabetic woman",
        None,
        "Possible patient identifier: the clinic and the dates together could identify her",
    ),
]

# Cases whose author asks the network for a second opinion (title → "requested"/"urgent").
OPINIONS = {
    "Back pain and leg heaviness with metastatic prostate cancer": "urgent",
    "Persistent hyponatraemia in a young woman on an SSRI": "requested",
}

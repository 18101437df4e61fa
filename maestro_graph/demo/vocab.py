"""Words the demo organisation is written in: names, project briefs, the artifact catalogue.

Kept apart from the generator so that the generator reads as a sequence of decisions, and so that
editing a project brief cannot change any planted rule (those live in `signal.py`).
"""

from __future__ import annotations

from typing import Final

FIRST_NAMES: Final = (
    "Ada", "Alan", "Amara", "Anil", "Beatriz", "Bruno", "Chen", "Chiara", "Dara", "Diego",
    "Elena", "Emeka", "Farah", "Felix", "Grace", "Hana", "Ibrahim", "Ines", "Jonas", "Julia",
    "Kai", "Kenji", "Lara", "Leon", "Maya", "Mateo", "Nadia", "Noah", "Olga", "Omar",
    "Priya", "Rafael", "Rosa", "Sam", "Sofia", "Tariq", "Uma", "Viktor", "Wen", "Yusuf",
)
LAST_NAMES: Final = (
    "Abebe", "Andersen", "Bauer", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Haddad",
    "Ito", "Jensen", "Kaur", "Kowalski", "Lee", "Lopez", "Mensah", "Moreau", "Nakamura", "Novak",
    "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva",
    "Tanaka", "Torres", "Nguyen", "Varga", "Wagner", "Walsh", "Weber", "Xu", "Yamamoto",
    "Zhang", "Zimmer", "Byrne",
)

# Relative head-count of each role in the organisation.
ROLE_SHARE: Final[dict[str, float]] = {
    "data_scientist": 0.27,
    "ml_engineer": 0.20,
    "data_engineer": 0.15,
    "mlops_engineer": 0.10,
    "product_manager": 0.10,
    "researcher": 0.09,
    "analyst": 0.09,
}

ROLE_SKILLS: Final[dict[str, tuple[str, ...]]] = {
    "data_scientist": ("python", "statistics", "scikit-learn", "xgboost", "pandas", "sql",
                       "experiment-design", "pytorch", "causal-inference"),
    "ml_engineer": ("python", "pytorch", "model-serving", "docker", "kubernetes", "onnx",
                    "feature-stores", "distributed-training", "tensorflow"),
    "data_engineer": ("sql", "spark", "airflow", "kafka", "dbt", "python", "data-modelling",
                      "streaming", "delta-lake"),
    "mlops_engineer": ("kubernetes", "terraform", "ci-cd", "mlflow", "monitoring", "docker",
                       "prometheus", "argo"),
    "product_manager": ("roadmapping", "stakeholder-management", "a/b-testing", "sql",
                        "product-analytics", "requirements"),
    "researcher": ("pytorch", "transformers", "computer-vision", "reinforcement-learning",
                   "nlp", "paper-writing", "jax", "optimisation"),
    "analyst": ("sql", "tableau", "excel", "statistics", "dashboards", "python",
                "business-analysis"),
}

# Per problem class: (title, business domain, data the project trains on, goal as a verb phrase).
PROJECT_BRIEFS: Final[dict[str, tuple[tuple[str, str, str, str], ...]]] = {
    "classification": (
        ("fraud-detection", "payments", "card transactions and device fingerprints",
         "cut chargeback losses by a fifth without raising false declines"),
        ("churn-prediction", "telecom", "billing history, call records and support tickets",
         "flag at-risk subscribers a month before they leave"),
        ("credit-default-scoring", "lending", "loan applications and repayment transactions",
         "approve more good borrowers at the same default rate"),
        ("lead-scoring", "sales", "CRM activity and web sessions",
         "focus the sales team on leads likely to convert"),
        ("claims-triage", "insurance", "claims forms and policy history",
         "route suspicious claims to investigators within a day"),
        ("account-takeover-detection", "security", "login events and device telemetry",
         "block compromised accounts before money moves"),
    ),
    "regression": (
        ("price-elasticity", "retail", "historical prices, promotions and sales",
         "set prices that lift margin by two points"),
        ("delivery-eta", "logistics", "GPS traces and order data",
         "predict delivery time within ten minutes"),
        ("customer-lifetime-value", "marketing", "purchase transactions and campaign touches",
         "allocate acquisition budget by expected value"),
        ("property-valuation", "real-estate", "listings, sale records and geodata",
         "value homes within 5% of the sale price"),
        ("energy-load-estimation", "utilities", "smart-meter readings and weather",
         "estimate building load for capacity planning"),
    ),
    "nlp": (
        ("support-ticket-routing", "customer-support", "support tickets and chat transcripts",
         "route tickets to the right queue automatically"),
        ("contract-clause-extraction", "legal", "scanned contracts and annotated clauses",
         "extract renewal and liability clauses for review"),
        ("review-sentiment", "e-commerce", "product reviews and ratings",
         "surface product issues from review sentiment every week"),
        ("clinical-note-coding", "healthcare", "de-identified clinical notes",
         "suggest billing codes to medical coders"),
        ("news-topic-tagging", "media", "news articles and editor tags",
         "tag articles with topics at publish time"),
        ("faq-answering-assistant", "customer-support",
         "help-centre articles and resolved tickets",
         "answer common questions without an agent"),
    ),
    "vision": (
        ("defect-detection", "manufacturing", "production-line camera images",
         "catch surface defects before packaging"),
        ("document-ocr", "finance", "scanned invoices and receipts",
         "extract invoice fields with 98% accuracy"),
        ("shelf-monitoring", "retail", "store shelf photos",
         "detect empty shelves within an hour"),
        ("crop-health-mapping", "agriculture", "satellite and drone imagery",
         "map crop stress per field every week"),
        ("xray-triage", "healthcare", "chest X-ray images with radiologist labels",
         "prioritise urgent scans in the reading queue"),
    ),
    "recommendation": (
        ("product-recommendations", "e-commerce", "click-streams, carts and purchase history",
         "raise the add-to-cart rate on product pages"),
        ("content-feed-ranking", "media", "viewing history and engagement events",
         "increase weekly watch time"),
        ("next-best-offer", "banking", "account transactions and offer responses",
         "pick the offer each customer is most likely to accept"),
        ("job-matching", "hr-tech", "candidate profiles and application outcomes",
         "match candidates to open roles they apply to"),
        ("playlist-generation", "music", "listening sessions and skips",
         "build playlists that listeners finish"),
    ),
    "timeseries": (
        ("demand-forecasting", "retail", "daily store sales, promotions and holidays",
         "reduce stock-outs and overstock"),
        ("sensor-anomaly-detection", "manufacturing", "machine sensor readings",
         "detect failing equipment a day ahead"),
        ("call-volume-forecasting", "customer-support", "hourly call and chat volumes",
         "staff the contact centre to hit service levels"),
        ("energy-price-forecasting", "utilities", "market prices, load and weather forecasts",
         "improve the day-ahead trading margin"),
        ("traffic-forecasting", "logistics", "road sensor counts and events",
         "plan fleet routes around congestion"),
    ),
    "clustering": (
        ("customer-segmentation", "marketing", "purchase transactions and demographics",
         "define segments for targeted campaigns"),
        ("store-clustering", "retail", "store sales mix and location data",
         "group stores for assortment planning"),
        ("log-pattern-mining", "it-operations", "application logs",
         "group recurring incidents for root-cause analysis"),
        ("patient-cohort-discovery", "healthcare", "de-identified patient records",
         "find cohorts for care programmes"),
    ),
    "rl": (
        ("dynamic-pricing-agent", "travel", "booking requests and price responses",
         "learn prices that maximise revenue per seat"),
        ("warehouse-robot-control", "logistics", "simulator episodes and robot telemetry",
         "cut pick time per order"),
        ("bid-optimisation", "advertising", "auction logs and conversion events",
         "spend the ad budget at a lower cost per acquisition"),
        ("hvac-control", "facilities", "building sensor data and simulations",
         "lower energy use while keeping occupants comfortable"),
    ),
    "other": (
        ("data-quality-monitoring", "platform", "pipeline run logs and table statistics",
         "catch broken upstream data before it reaches training"),
        ("feature-store-migration", "platform", "existing feature tables and pipelines",
         "move every team onto one shared feature store"),
        ("causal-uplift-study", "marketing", "campaign experiments and outcomes",
         "measure the true uplift of discounts"),
        ("model-monitoring-rollout", "platform", "prediction logs and ground-truth labels",
         "alert on model drift across production models"),
        ("synthetic-data-generation", "privacy", "customer tables with PII",
         "share realistic data with vendors without exposing PII"),
    ),
}

CLASS_PHRASE: Final[dict[str, str]] = {
    "classification": "classification model",
    "regression": "regression model",
    "nlp": "language-model pipeline",
    "vision": "computer-vision model",
    "recommendation": "recommender system",
    "timeseries": "time-series model",
    "clustering": "clustering analysis",
    "rl": "reinforcement-learning agent",
    "other": "ML platform effort",
}

NAME_QUALIFIERS: Final = ("", "", "emea", "apac", "us", "realtime", "batch", "mobile", "v2", "b2b")

# Description sentence shapes; the fields come from PROJECT_BRIEFS and CLASS_PHRASE.
DESCRIPTION_SHAPES: Final = (
    "Build a {phrase} for {topic} in {domain}, trained on {data}. Goal: {goal}.",
    "{Topic} for the {domain} team: a {phrase} built on {data}, to {goal}.",
    "We need a {phrase} that uses {data} for {topic} ({domain}). Success means we {goal}.",
)

# The artifact catalogue: "name type classes" per line; classes the artifact is typically used
# by ("*" = any class). The generator picks about artifacts/1.5 names from it.
_CATALOGUE_TEXT: Final = """
feature-pipeline-transactions feature_pipeline classification,regression,clustering,recommendation
feature-pipeline-clickstream feature_pipeline recommendation,classification
feature-pipeline-customer-profile feature_pipeline classification,clustering,recommendation,regression
feature-pipeline-sensor-readings feature_pipeline timeseries,classification
feature-pipeline-support-tickets feature_pipeline nlp,timeseries
feature-pipeline-product-catalog feature_pipeline recommendation,nlp
feature-pipeline-user-sessions feature_pipeline recommendation,classification
feature-pipeline-payments feature_pipeline classification,regression
feature-pipeline-inventory feature_pipeline timeseries,regression
feature-pipeline-web-logs feature_pipeline classification,clustering
feature-pipeline-claims feature_pipeline classification,nlp
feature-pipeline-device-telemetry feature_pipeline timeseries,classification
feature-pipeline-ad-impressions feature_pipeline recommendation,rl
feature-pipeline-geo-features feature_pipeline regression,timeseries
feature-pipeline-image-metadata feature_pipeline vision
feature-pipeline-text-normalisation feature_pipeline nlp
feature-pipeline-weather feature_pipeline timeseries,regression,rl
feature-pipeline-loan-applications feature_pipeline classification,regression
xgboost-classifier model_template classification
lightgbm-regressor model_template regression
logistic-baseline model_template classification
tabnet-classifier model_template classification
text-encoder-pretrained model_template nlp,classification
bert-ner model_template nlp
seq2seq-summarizer model_template nlp
resnet-finetune model_template vision
vit-finetune model_template vision
yolo-detector model_template vision
unet-segmentation model_template vision
lstm-forecaster model_template timeseries
prophet-forecaster model_template timeseries
temporal-fusion-transformer model_template timeseries
two-tower-recommender model_template recommendation
matrix-factorization model_template recommendation
kmeans-segmentation model_template clustering
hdbscan-clustering model_template clustering
ppo-agent model_template rl
dqn-agent model_template rl
contextual-bandit model_template rl,recommendation
quantile-regressor model_template regression,timeseries
schema-customer-events schema *
schema-transactions schema classification,regression,clustering
schema-orders schema recommendation,regression,timeseries
schema-sensor-readings schema timeseries
schema-user-profile schema recommendation,clustering,classification
schema-product-catalog schema recommendation
schema-model-predictions schema *
schema-feature-store schema *
schema-experiment-log schema *
schema-support-tickets schema nlp
schema-ad-events schema rl,recommendation
schema-claims schema classification,nlp
schema-image-annotations schema vision
schema-document-layout schema vision,nlp
notebook-eda-customer-churn notebook classification,clustering
notebook-eda-transactions notebook classification,regression
notebook-error-analysis notebook *
notebook-feature-importance notebook classification,regression
notebook-drift-report notebook *
notebook-ab-test-analysis notebook other,recommendation
notebook-label-quality notebook classification,nlp,vision
notebook-baseline-comparison notebook *
notebook-hyperparameter-sweep notebook *
notebook-cohort-analysis notebook clustering,other
notebook-embedding-visualization notebook nlp,vision,clustering
notebook-forecast-backtest notebook timeseries
notebook-reward-shaping notebook rl
notebook-ranking-metrics notebook recommendation
notebook-text-eda notebook nlp
notebook-image-eda notebook vision
dataset-labelled-fraud-cases dataset classification
dataset-support-tickets dataset nlp
dataset-product-images dataset vision,recommendation
dataset-sensor-timeseries dataset timeseries
dataset-customer-reviews dataset nlp
dataset-click-logs dataset recommendation
dataset-call-transcripts dataset nlp
dataset-retail-sales dataset timeseries,regression
dataset-medical-notes dataset nlp
dataset-satellite-tiles dataset vision
dataset-user-ratings dataset recommendation
dataset-game-episodes dataset rl
dataset-news-articles dataset nlp
dataset-invoice-scans dataset vision
dataset-house-prices dataset regression
dataset-customer-360 dataset classification,clustering,regression
dataset-energy-load dataset timeseries,regression
dataset-synthetic-customers dataset other,classification
lib-metrics library *
lib-data-validation library *
lib-feature-store-client library *
lib-model-serving library *
lib-experiment-tracking library *
lib-text-preprocessing library nlp
lib-image-augmentation library vision
lib-timeseries-utils library timeseries
lib-fairness-audit library classification,regression
lib-explainability library classification,regression
lib-hyperopt library *
lib-drift-detection library *
lib-embedding-store library nlp,recommendation
lib-gym-environments library rl
lib-ranking-losses library recommendation
lib-geo-utils library regression,timeseries
lib-pii-scrubber library nlp,other
lib-calibration library classification
dashboard-model-monitoring other *
config-training-cluster other *
runbook-model-rollback other *
dockerfile-gpu-training other vision,nlp,rl
ci-template-ml other *
airflow-dag-retraining other *
grafana-alerts-ml other other
terraform-feature-store other other
label-studio-config other nlp,vision
prompt-library other nlp
spark-job-template other other,regression
model-card-template other *
data-contract-template other other
load-test-harness other other,recommendation
"""


def _parse_catalogue(text: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    rows = []
    for line in text.strip().splitlines():
        name, artifact_type, classes = line.split()
        rows.append((name, artifact_type, () if classes == "*" else tuple(classes.split(","))))
    return tuple(rows)


# (name, artifactType, classes that typically use it; () = any class)
ARTIFACT_CATALOGUE: Final = _parse_catalogue(_CATALOGUE_TEXT)

ARTIFACT_BLURB: Final[dict[str, str]] = {
    "feature_pipeline": "Batch and streaming feature pipeline that turns raw {topic} into "
                        "model-ready features (windowed aggregates, encodings, joins).",
    "model_template": "Reusable training template for {topic}: config, training loop, "
                      "evaluation report and export to the serving format.",
    "schema": "Canonical schema for {topic} records, with field types, constraints and PII flags.",
    "notebook": "Notebook for {topic}: a reusable analysis with plots and a summary table.",
    "dataset": "Curated dataset of {topic}, a versioned snapshot with a data card.",
    "library": "Python library for {topic}, shared by training and serving code.",
    "other": "{Topic}: a shared operational asset for ML projects.",
}

# Descriptions that hint at the planted rules, the way a real catalogue would.
PLANTED_BLURB: Final[dict[str, str]] = {
    "feature-pipeline-transactions": "Battle-tested feature pipeline over card and account "
        "transactions: velocity features, merchant risk encodings, point-in-time correct joins.",
    "text-encoder-pretrained": "Training template around a pretrained transformer text encoder "
        "with domain-adaptive fine-tuning, ready for classification and extraction heads.",
    "schema-customer-events": "Canonical schema for customer events (page views, purchases, "
        "support contacts) shared by most teams.",
}
DEPRECATED_NOTE: Final = (" DEPRECATED: this version drops late-arriving events and mislabels "
                          "event time zones; upgrade to the next release.")

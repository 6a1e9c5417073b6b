"""What the seeder's rows are made of: the columns in record order, the host organisations
and referrers with their shares, states by age, and the fake names and reasons."""

from domain.model.trajectory import TrajectoryState as S

DAY = 86_400
SPAN_DAYS = 730  # created_at spread over ~2 years, up to a few minutes ago

REFERRAL_COLUMNS = (
    "id", "org_scheme", "org_value", "reference", "referrer_type", "referrer", "content_hash",
    "host_organisation", "municipality", "feedback_allowed", "received_at",
)  # fmt: skip
TRAJECTORY_COLUMNS = (
    "id", "referral_id", "organisation", "municipality", "wijkcode", "referrer_type", "state",
    "phase", "version", "volunteer_id", "mother", "child", "registration", "consent",
    "intake_date", "start_date", "planned_end_date", "review_date", "closed_date", "reason",
    "outcome", "visits_introduction", "visits_execution", "visits_closing",
    "feedback_changed_on", "anonymised_at", "created_at", "updated_at",
)  # fmt: skip
# Newer schema columns, filled (as adapters/db/mappers.py fills them) when the table has them.
OPTIONAL_TRAJECTORY_COLUMNS = ("age_limit_date",)
VOLUNTEER_COLUMNS = (
    "id", "organisation", "municipality", "status", "version", "personal", "wijkcodes",
    "languages", "language_keys", "capacity", "vog_date", "running_trajectories",
    "completed_trajectories", "training_sessions", "last_individual_supervision", "start_date",
    "stopped_on", "created_at", "updated_at",
)  # fmt: skip

# (organisation, municipality, town, postcode prefix, cumulative share)
HOSTS = (
    ("mim-demo", "GM0363", "Amsterdam", "10", 0.58),
    ("mim-demo", "GM0344", "Utrecht", "35", 0.86),
    ("mim-andere", "GM0599", "Rotterdam", "30", 1.0),
)
VOLUNTEERS_PER_ORG = {"mim-demo": 1500, "mim-andere": 300}

# (org_scheme, org_value, referrer_type, name, cumulative share); 8-digit URA numbers.
REFERRERS = (
    ("ura", "01234567", "consultatiebureau", "JGZ Bench Noord", 0.30),
    ("ura", "07654321", "consultatiebureau", "JGZ Bench Zuid", 0.48),
    ("ura", "02468024", "verloskundige", "Verloskundigen Bench", 0.66),
    ("ura", "01357913", "cjg", "CJG Bench", 0.78),
    ("ura", "08642086", "kraamzorg", "Kraamzorg Bench", 0.86),
    ("ura", "05318642", "huisarts", "Huisartsen Bench", 0.92),
    ("ura", "04826048", "sociaal_wijkteam", "Wijkteam Bench", 0.97),
    ("intern", "zelf", "zelfaanmelding", "Zelfaanmelding", 1.0),
)

# With --state: created between (min, max) days ago, an age at which that state is common.
STATE_AGE_DAYS = {
    S.REGISTERED: (0, 3), S.INTAKE: (1, 14), S.AWAITING_MATCH: (3, 45),
    S.INTRODUCTION: (14, 45), S.EXECUTION: (45, 270), S.PAUSED: (45, 270),
    S.CLOSING: (270, 400), S.CLOSED: (300, 730), S.REJECTED: (3, 730), S.STOPPED: (14, 730),
}  # fmt: skip
# State by age of the trajectory in days: (up to age, ((state, cumulative share), ...)).
STATES_BY_AGE = (
    (3, ((S.REGISTERED, 0.70), (S.INTAKE, 0.95), (S.REJECTED, 1.0))),
    (14, ((S.REGISTERED, 0.10), (S.INTAKE, 0.45), (S.AWAITING_MATCH, 0.85), (S.REJECTED, 0.95),
          (S.STOPPED, 1.0))),
    (45, ((S.INTAKE, 0.05), (S.AWAITING_MATCH, 0.30), (S.INTRODUCTION, 0.75),
          (S.EXECUTION, 0.80), (S.REJECTED, 0.92), (S.STOPPED, 0.97), (S.PAUSED, 1.0))),
    (270, ((S.AWAITING_MATCH, 0.02), (S.INTRODUCTION, 0.07), (S.EXECUTION, 0.72),
           (S.PAUSED, 0.78), (S.REJECTED, 0.88), (S.STOPPED, 1.0))),
    (400, ((S.EXECUTION, 0.25), (S.CLOSING, 0.40), (S.PAUSED, 0.44), (S.CLOSED, 0.72),
           (S.REJECTED, 0.84), (S.STOPPED, 1.0))),
    (10**6, ((S.EXECUTION, 0.02), (S.CLOSING, 0.04), (S.PAUSED, 0.05), (S.CLOSED, 0.63),
             (S.REJECTED, 0.77), (S.STOPPED, 1.0))),
)  # fmt: skip
REJECT_REASONS = ("geen_eerste_kind", "kind_te_oud", "contra_indicatie", "geen_behoefte",
                  "niet_bereikt", "niet_bereikt", "geen_behoefte")  # fmt: skip
PAUSE_REASONS = ("ziekte", "verhuizing", "tijdelijk_afwezig", "tijdelijk_afwezig",
                 "vrijwilliger_wisselt", "overig")  # fmt: skip
STOP_REASONS = ("geen_behoefte_meer", "geen_behoefte_meer", "toestemming_ingetrokken", "verhuisd",
                "niet_bereikbaar", "geen_vrijwilliger_beschikbaar", "ziekte", "overig")  # fmt: skip
OUTCOMES = ("volledig_doorlopen", "volledig_doorlopen", "doelen_eerder_bereikt",
            "maximale_duur_bereikt", "doorverwezen_naar_andere_hulp")  # fmt: skip
SCOPES = ('["delen_met_mim"]', '["delen_met_mim", "terugkoppeling_aan_verwijzer"]')
PHASE_STATES = frozenset({S.INTRODUCTION, S.EXECUTION, S.CLOSING})

FIRST_NAMES = ("Bench", "Benchje", "Proef", "Meting", "Testa", "Demi", "Steekje", "Ijkje")
SURNAMES = ("de Bench", "van Proef", "Benchmark", "Meetmans", "de Test", "Steekproef")
CHILD_NAMES = ("Bram Bench", "Puk", "Bench", "Tessa", "Mees", "Lotje")
LANGUAGES = ('["nl"]', '["nl"]', '["nl"]', '["nl", "en"]', '["ar", "nl"]', '["tr", "nl"]',
             '["uk", "nl"]', '["pl"]')  # fmt: skip
REASON_SETS = (
    ('["onzeker_opvoeding"]', False),
    ('["onzeker_opvoeding", "weinig_netwerk"]', False),
    ('["weinig_netwerk"]', False),
    ('["taal", "weinig_netwerk"]', False),
    ('["jonge_moeder"]', False),
    ('["jonge_moeder", "onzeker_opvoeding"]', False),
    ('["overig"]', True),
)

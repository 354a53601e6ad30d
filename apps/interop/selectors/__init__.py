"""The SSDA903 return for one collection year (1 April to 31 March), built from our records.

Episodes are derived: a new 903 episode starts at the start of a period of care, at each new
placement and at each change of legal status, so a placement that spans a change of legal
status is two episodes (RNE L for the second). Episodes still open on 31 March are returned
open (no DEC/REC), as the DfE asks; episodes that ended before 1 April are left out.

OC2 (children looked after continuously for 12 months at 31 March) comes from the health
records: the year's latest SDQ, dental checks, immunisation status and statutory health
assessments, plus the convictions and substance misuse items of ``AnnualOutcome``. Where we
hold no health record of an item for the year, the value an imported return gave for it
(``AnnualOutcome.reported_*``) is used, so that import -> export is identical; items we hold
nothing for are left blank (or 0 for the flags the DfE wants 0 or 1), never guessed.

AD1 and PlacedAdoption come from the children's adoption cases (apps.adoption): a
PlacedAdoption row for each decision that the child should be placed for adoption (the ADM
decision) in force at some time in the year, with its reversal (the plan changed away from
adoption) if that happened by 31 March; an AD1 row for each child adopted in the year (a
period of care that ended E11 or E12). What the DfE's rules need and we do not hold (an
adopted child with no case, a case without its adopters) is left blank, so the validator
flags it, and listed in the export's notes.

By meaning: the collection year and the return's files (``base``), the Header, Episodes
and UASC tables (``export``), OC2 (``oc2``), AD1 and PlacedAdoption (``adoption_tables``),
the DfE rules' findings on the rows (``return_readiness``), and a user's import jobs
(``import_jobs``). Every read is importable from here."""

from apps.interop.selectors.base import CollectionYear, Export, current_collection_year
from apps.interop.selectors.export import SHORT_BREAK_STATUSES, build_export
from apps.interop.selectors.import_jobs import import_job_for_user, recent_import_jobs
from apps.interop.selectors.return_readiness import readiness_of

__all__ = [
    "CollectionYear",
    "Export",
    "SHORT_BREAK_STATUSES",
    "build_export",
    "current_collection_year",
    "import_job_for_user",
    "readiness_of",
    "recent_import_jobs",
]

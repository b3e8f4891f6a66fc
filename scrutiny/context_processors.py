from scrutiny.council import brand_version, current_council
from scrutiny.permissions import is_administrator, is_officer


def portal(request):
    council = current_council()
    return {
        "council": council,
        "council_name": council.name,
        "brand_version": brand_version(council),
        "is_officer": is_officer(getattr(request, "user", None)),
        # Asked only by the pages that show administrators' links (a query for signed-in users).
        "is_administrator": lambda: is_administrator(getattr(request, "user", None)),
    }

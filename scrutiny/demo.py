"""Demo data for core records, built from the seed papers (Kirklees Council, 2016–2018).

Names, committees and roles come from the seeds. Parties and wards are not in the seeds:
the values below are demo values, marked as such in the README.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person
from scrutiny.roles import ADMINISTRATORS, COUNCILLORS, OFFICERS, ensure_roles

DEMO_LOGINS = [
    # username, password, role, person slug, description
    ("officer", "officer-demo-2017", OFFICERS, "yolande-myers", "Democracy officer"),
    ("admin", "admin-demo-2017", ADMINISTRATORS, None, "Administrator (also Django admin)"),
    (
        "cllr.burke",
        "councillor-demo-2017",
        COUNCILLORS,
        "cahal-burke",
        "Councillor: Chair of the Children's Scrutiny Panel",
    ),
    (
        "cllr.hill",
        "councillor-demo-2017",
        COUNCILLORS,
        "erin-hill",
        "Councillor: Chair of the Corporate Parenting Board, not on the Scrutiny Panel",
    ),
]

COUNCILLORS_DATA = [
    # name, party (demo), ward (demo)
    ("Cahal Burke", "Liberal Democrat", "Lindley"),
    ("Donna Bellamy", "Conservative", "Colne Valley"),
    ("Fazila Fadia", "Labour", "Dewsbury South"),
    ("Paul Kane", "Labour", "Dalton"),
    ("Robert Light", "Conservative", "Birstall and Birkenshaw"),
    ("Amanda Pinnock", "Labour", "Ashbrow"),
    ("Erin Hill", "Labour", "Crosland Moor and Netherton"),
    ("Karen Allison", "Green", "Newsome"),
    ("Andrew Marchington", "Conservative", "Holme Valley North"),
    ("Gemma Wilson", "Labour", "Dewsbury West"),
    ("Julie Stewart-Turner", "Labour", "Golcar"),
    ("Masood Ahmed", "Labour", "Dewsbury East"),
    ("Shabir Pandor", "Labour", "Batley West"),
]

COOPTEES = ["Dale O'Neill", "Fatima Khan-Shah"]

OFFICERS_DATA = [
    # name, job title, service
    (
        "Yolande Myers",
        "Governance and Democratic Engagement Officer",
        "Governance and Democratic Services",
    ),
    (
        "Penny Bunker",
        "Governance and Democratic Engagement Manager",
        "Governance and Democratic Services",
    ),
    (
        "Alaina McGlade",
        "Governance and Democratic Engagement Officer",
        "Governance and Democratic Services",
    ),
    (
        "Julie Muscroft",
        "Service Director – Legal, Governance and Commissioning",
        "Legal, Governance and Commissioning",
    ),
    ("Steve Walker", "Strategic Director – Children and Families", "Children and Families"),
    (
        "Gill Ellis",
        "Interim Strategic Director for Children & Young People",
        "Children and Young People",
    ),
    (
        "Anne Coyle",
        "Service Director for Family Support & Child Protection",
        "Family Support and Child Protection",
    ),
    ("Julie Mepham", "Head of Corporate Parenting", "Family Support and Child Protection"),
    ("Jo-Anne Sanders", "Acting Assistant Director for Learning & Skills", "Learning and Skills"),
    ("Andrew Carden", "Integrated Children's Service Manager", "Children and Young People"),
    ("Marion Gray", "Learning & Organisational Development Manager", "Children and Young People"),
    ("Rachel Spencer-Henshall", "Director of Public Health", "Public Health"),
    ("Martin Green", "Deputy Assistant Director", "Children and Young People"),
    ("Janet Tolley", "Virtual School Headteacher", "Learning and Skills"),
    ("Rob Finney", "Interim Fostering Team Manager", "Family Support and Child Protection"),
    ("Sue Griggs", "Performance Lead for Children & Young People", "Children and Young People"),
    ("Jacqui Gedman", "Chief Executive", "Chief Executive's Office"),
    ("Adrian Lythgo", "Chief Executive", "Chief Executive's Office"),
    ("Val Flintoff", "Prevent Co-ordinator", "Communities"),
    ("Lee Hamilton", "Head of Safer Kirklees", "Communities"),
]

PARTNERS = [
    ("Steve Collins", "Calderdale & Kirklees Careers"),
    ("Bron Sanders", "Kirklees Safeguarding Children Board (Independent Chair)"),
    ("Carly Speechley", "Children in Care Council"),
    ("Matthew Holland", "West Yorkshire Police"),
]

CSP_TERMS = """The Children's Scrutiny Panel scrutinises services for children and young people,
including children's social care, safeguarding, early help, education and learning.

1. To scrutinise the implementation of the Children's Services Improvement Plan and the
recommendations of the Ad Hoc Scrutiny Panel – Children's Services.
2. To monitor the performance of children's services against the Council's priorities.
3. To consider matters referred by the Overview and Scrutiny Management Committee."""


def _person(name: str, **fields) -> Person:
    from django.utils.text import slugify

    person, _ = Person.objects.update_or_create(
        slug=slugify(name), defaults={"name": name, **fields}
    )
    return person


def _membership(person, committee, role, start, end=None):
    Membership.objects.update_or_create(
        person=person,
        committee=committee,
        role=role,
        start_date=start,
        defaults={"end_date": end},
    )


def load() -> None:
    ensure_roles()
    council = Council.objects.order_by("pk").first() or Council()
    council.name = "Kirklees Council"
    council.short_name = "Kirklees"
    council.website = "https://www.kirklees.gov.uk"
    council.address = "Civic Centre 3, High Street, Huddersfield HD1 2TG"
    council.phone = "01484 221000"
    council.email = "governance@kirklees.gov.uk"
    council.save()

    for start in range(2015, 2027):
        MunicipalYear.objects.update_or_create(
            name=MunicipalYear.label_for(dt.date(start, 5, 1)),
            defaults={
                "start_date": _annual_meeting(start),
                "end_date": _annual_meeting(start + 1) - dt.timedelta(days=1),
            },
        )

    people = {}
    for name, party, ward in COUNCILLORS_DATA:
        people[name] = _person(
            name, kind=Person.Kind.COUNCILLOR, honorific="Councillor", party=party, ward=ward
        )
    people["Masood Ahmed"].job_title = "Cabinet Member – Children"
    people["Masood Ahmed"].save()
    for name in COOPTEES:
        people[name] = _person(name, kind=Person.Kind.COOPTEE, organisation="Scrutiny co-optee")
    for name, title, service in OFFICERS_DATA:
        email = name.lower().replace(" ", ".").replace("'", "") + "@kirklees.gov.uk"
        people[name] = _person(
            name,
            kind=Person.Kind.OFFICER,
            job_title=title,
            service=service,
            email=email,
            phone="01484 221000",
        )
    for name, organisation in PARTNERS:
        people[name] = _person(name, kind=Person.Kind.PARTNER, organisation=organisation)

    def committee(slug, **fields):
        obj, _ = Committee.objects.update_or_create(slug=slug, defaults=fields)
        return obj

    osmc = committee(
        "overview-and-scrutiny-management-committee",
        name="Overview and Scrutiny Management Committee",
        short_name="OSMC",
        kind=Committee.Kind.SCRUTINY_COMMITTEE,
        purpose="Leads the Council's overview and scrutiny function, sets the scrutiny work "
        "programme and appoints scrutiny panels.",
        terms_of_reference="To manage the overview and scrutiny function of the Council, "
        "agree the work programmes of its panels and consider call-ins of executive decisions.",
        contact_officer=people["Penny Bunker"],
    )
    csp = committee(
        "childrens-scrutiny-panel",
        name="Children's Scrutiny Panel",
        kind=Committee.Kind.SCRUTINY_PANEL,
        parent=osmc,
        purpose="Scrutinises children's services in Kirklees, including the improvement of "
        "children's social care after the 2016 Ofsted inspection.",
        terms_of_reference=CSP_TERMS,
        contact_officer=people["Yolande Myers"],
        start_date=dt.date(2017, 5, 20),
    )
    cpb = committee(
        "corporate-parenting-board",
        name="Corporate Parenting Board",
        kind=Committee.Kind.BOARD,
        purpose="Makes sure the Council acts as a good corporate parent to children in its care "
        "and care leavers.",
        terms_of_reference="To champion the interests of looked after children and care leavers "
        "and to monitor the Council's performance as their corporate parent.",
        contact_officer=people["Alaina McGlade"],
    )
    adhoc = committee(
        "ad-hoc-scrutiny-panel-childrens-services",
        name="Ad Hoc Scrutiny Panel – Children's Services",
        kind=Committee.Kind.AD_HOC_PANEL,
        parent=osmc,
        purpose="A time-limited panel that reviewed the work of the Children's Services "
        "Development Board in 2016 and made 27 recommendations.",
        terms_of_reference="1. To consider the work of the Development Board.\n2. To consider "
        "the effectiveness of the arrangements put in place.\n3. To assist the Development "
        "Board in identifying good practice.\n4. To assist the portfolio holders for Children's "
        "Services in providing Councillor input to the development programme.",
        is_active=False,
        start_date=dt.date(2016, 4, 1),
        end_date=dt.date(2016, 11, 30),
        contact_officer=people["Penny Bunker"],
    )

    y17 = dt.date(2017, 5, 20)
    _membership(people["Cahal Burke"], csp, Membership.Role.CHAIR, y17)
    for name in ["Donna Bellamy", "Fazila Fadia", "Paul Kane", "Robert Light", "Amanda Pinnock"]:
        _membership(people[name], csp, Membership.Role.MEMBER, y17)
    for name in COOPTEES:
        _membership(people[name], csp, Membership.Role.COOPTEE, y17)

    y16 = dt.date(2016, 5, 21)
    _membership(people["Erin Hill"], cpb, Membership.Role.CHAIR, y16)
    for name in ["Karen Allison", "Andrew Marchington", "Fazila Fadia", "Gemma Wilson"]:
        _membership(people[name], cpb, Membership.Role.MEMBER, y16)

    _membership(
        people["Julie Stewart-Turner"],
        adhoc,
        Membership.Role.CHAIR,
        dt.date(2016, 4, 1),
        dt.date(2016, 11, 30),
    )
    for name in ["Robert Light", "Andrew Marchington", "Amanda Pinnock"]:
        _membership(
            people[name], adhoc, Membership.Role.MEMBER, dt.date(2016, 4, 1), dt.date(2016, 11, 30)
        )

    _membership(people["Cahal Burke"], osmc, Membership.Role.MEMBER, y17)
    _membership(people["Julie Stewart-Turner"], osmc, Membership.Role.CHAIR, y16)

    _logins(people)


def _annual_meeting(year: int) -> dt.date:
    """The annual council meeting: the third Wednesday of May, as a stable demo rule."""
    day = dt.date(year, 5, 15)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return day


def _logins(people: dict[str, Person]) -> None:
    User = get_user_model()
    for username, password, group, slug, _ in DEMO_LOGINS:
        user, created = User.objects.get_or_create(username=username)
        if created or not user.has_usable_password():
            user.set_password(password)
        user.is_staff = group == ADMINISTRATORS
        user.save()
        user.groups.set([Group.objects.get(name=group)])
        if group == ADMINISTRATORS:
            user.groups.add(Group.objects.get(name=OFFICERS))
        if slug:
            person = Person.objects.get(slug=slug)
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            person.user = user
            person.save(update_fields=["user"])

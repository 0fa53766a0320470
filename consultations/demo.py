"""Demo consultations for Cheshire and Warrington: an open consultation on the demo strategy's
"First full draft" with 320 invented responses, and the street-level survey with 40.

The responses are written here from sentence fragments by ``random.Random(2019)``, so every
run writes the same text with no network and no external data. They are shaped like a real
LEP consultation for the compile engine to find: every kind of respondent from freelancers to
large manufacturers, eight recurring topics in varied wording (some responses raise two), an
organised "Save Our High Streets" campaign of near-identical responses, off-topic answers and
empty ones. Every response goes through ``services.response_create_complete`` (so it passes
the same validation as the form) with a uuid5 submission key: seeding twice creates nothing.

Organisations in the public, education and civil society sectors are named (they are the
LEP's partners); businesses, and every person, are invented."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from strategies.demo import DEMO_SLUG as DEMO_STRATEGY_SLUG
from strategies.models import Strategy, StrategyVersion

from . import services
from .answers import OTHER
from .constants import Consent, OrganisationType, RespondingAs, SizeBand
from .models import Consultation, Question, Response
from .street_level import (
    EXPORTING,
    TRADING_TIMES,
    privacy_notice_text,
    street_level_survey_create,
)

DEMO_CONSULTATION_SLUG = "cheshire-and-warrington-draft-local-industrial-strategy"
DEMO_STREET_LEVEL_SLUG = "cheshire-and-warrington-street-level-survey"
DEMO_VERSION_LABEL = "First full draft"
DEMO_ORGANISATION_ONS_CODE = "E37000003"
RESPONSE_COUNT = 320
CAMPAIGN_SIZE = 25
CAMPAIGN_NAME = "Save Our High Streets"
STREET_LEVEL_RESPONSE_COUNT = 40
SEED = 2019
KEY_NAMESPACE = uuid.UUID("6f1f9a52-2f9d-5d0e-9c2b-1d6a3c9e2019")

# Places ---------------------------------------------------------------------------------------

# (town, local authority, postcode districts)
TOWNS = (
    ("Crewe", "Cheshire East", ("CW1", "CW2")),
    ("Nantwich", "Cheshire East", ("CW5",)),
    ("Macclesfield", "Cheshire East", ("SK10", "SK11")),
    ("Congleton", "Cheshire East", ("CW12",)),
    ("Wilmslow", "Cheshire East", ("SK9",)),
    ("Knutsford", "Cheshire East", ("WA16",)),
    ("Sandbach", "Cheshire East", ("CW11",)),
    ("Middlewich", "Cheshire East", ("CW10",)),
    ("Northwich", "Cheshire West and Chester", ("CW8", "CW9")),
    ("Winsford", "Cheshire West and Chester", ("CW7",)),
    ("Chester", "Cheshire West and Chester", ("CH1", "CH2", "CH3", "CH4")),
    ("Ellesmere Port", "Cheshire West and Chester", ("CH65", "CH66")),
    ("Neston", "Cheshire West and Chester", ("CH64",)),
    ("Frodsham", "Cheshire West and Chester", ("WA6",)),
    ("Warrington", "Warrington", ("WA1", "WA2", "WA5")),
    ("Birchwood", "Warrington", ("WA3",)),
    ("Stockton Heath", "Warrington", ("WA4",)),
    ("Lymm", "Warrington", ("WA13",)),
)
AUTHORITY_OF = {town: authority for town, authority, _ in TOWNS}

FIRST_NAMES = (
    "Aisha", "Alan", "Amy", "Andrew", "Beth", "Carl", "Chloe", "Claire", "Daniel", "David",
    "Emma", "Gareth", "Gemma", "Hannah", "Ian", "Jack", "James", "Jenny", "Joanne", "Karen",
    "Kieran", "Laura", "Lee", "Lisa", "Mark", "Michelle", "Mohammed", "Neil", "Nicola", "Paul",
    "Priya", "Rachel", "Rob", "Sam", "Sarah", "Sean", "Sophie", "Stephen", "Tom", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Bailey", "Barnes", "Bennett", "Brookes", "Clarke", "Davies", "Dawson", "Evans",
    "Fletcher", "Green", "Hall", "Harrison", "Hughes", "Jackson", "Jones", "Kaur", "Lewis",
    "Lowe", "Marsh", "Moss", "Nolan", "Owen", "Parker", "Patel", "Roberts", "Shaw", "Smith",
    "Taylor", "Thompson", "Walker", "Ward", "Whitehead", "Williams", "Wright", "Yates",
)  # fmt: skip
RIVERS = ("Weaver", "Dane", "Mersey", "Dee", "Bollin", "Gowy", "Wheelock")

# The eight topics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """Fragments for one recurring topic. Anyone may say ``problems`` and ``details``; the
    ``employer_*`` ones are said only by businesses about their own staff and premises."""

    problems: tuple[str, ...]
    details: tuple[str, ...]
    asks: tuple[str, ...]
    priority: str  # the priority (question 1) someone raising it tends to choose
    option: str  # the barrier (question 3) it corresponds to, if any
    employer_problems: tuple[str, ...] = ()
    employer_details: tuple[str, ...] = ()


NET_ZERO = "Net zero industrial cluster"
SKILLS = "Skills for high-value jobs"
HS2 = "Growth corridors around HS2 Crewe"
NO_PRIORITY = "None of them"
BARRIERS = (
    "Finding people with the right skills",
    "Transport links and congestion",
    "Broadband and mobile coverage",
    "Energy costs and the move to net zero",
    "Premises and business rates",
    "Getting finance",
)
SKILLS_B, TRANSPORT_B, DIGITAL_B, ENERGY_B, PREMISES_B, FINANCE_B = BARRIERS

TOPICS: dict[str, Topic] = {
    "skills": Topic(
        problems=(
            "Young people leave school here without the technical and digital skills employers "
            "are crying out for.",
            "There are not enough local courses for adults who want to retrain, especially in "
            "the evenings.",
            "Employers say they cannot find skilled people, yet plenty of people here cannot "
            "find decent jobs.",
            "There is a real shortage of engineers and technicians in the area.",
        ),
        details=(
            "Careers advice in schools still treats manufacturing as a dirty, dead-end job.",
            "Getting to college in {town} takes two buses.",
            "The courses on offer do not match the jobs that are actually here.",
        ),
        asks=(
            "The strategy should fund short, practical courses designed with employers.",
            "Please make the Institute of Technology a priority and make sure smaller firms can "
            "use it.",
            "Let small firms share apprentices, so that one business does not carry the whole "
            "cost.",
            "We need an employer-led skills board with small businesses on it.",
            "Put money into retraining adults, not only courses for school leavers.",
        ),
        priority=SKILLS,
        option=SKILLS_B,
        employer_problems=(
            "We cannot find enough qualified engineers and technicians, and when we train "
            "apprentices the bigger firms recruit them as soon as they qualify.",
            "Recruiting people with the right skills is our biggest headache.",
            "Skills shortages are holding us back: a vacancy for a maintenance fitter has been "
            "open for nine months.",
            "The skills gap is real. Half of our workforce will retire in the next ten years and "
            "nobody is coming through to replace them.",
        ),
        employer_details=(
            "The apprenticeship levy is too rigid for an employer our size to use properly.",
            "We end up recruiting from Manchester and Liverpool and paying a premium for it.",
            "Getting to college in {town} takes two buses for some of our trainees.",
        ),
    ),
    "transport": Topic(
        problems=(
            "HS2 coming to Crewe is a huge opportunity, but I see very little planning for how "
            "people will actually get to the station.",
            "Congestion on the M6 and the roads around Warrington costs people hours every week.",
            "Public transport between our towns is poor: getting from Winsford to Crewe without "
            "a car is almost impossible.",
            "The Crewe Hub station must not become a place people just pass through on the way "
            "to London.",
            "Rural bus services have been cut to the bone, so people without a car cannot get "
            "to work.",
        ),
        details=(
            "If HS2 is delayed again the growth plan for Crewe falls apart.",
            "Rail links from the south of the county to Manchester Airport are awful.",
            "The car park at {town} station is full by half past seven in the morning.",
            "There is no bus at all after 7pm on most routes.",
        ),
        asks=(
            "Plan the local connections now: buses, cycle routes and parking around the Crewe Hub.",
            "Invest in bus routes that match the shift patterns of the big employers.",
            "Push for the Middlewich rail line to reopen to passengers.",
            "Make sure HS2 brings jobs to the surrounding towns, not just Crewe.",
            "Fix the pinch points on the M6 and the A roads before building more warehouses.",
        ),
        priority=HS2,
        option=TRANSPORT_B,
        employer_problems=(
            "Our vans spend more time queuing on the A556 and around junction 19 than driving.",
            "Congestion on the M6 and the roads around Warrington costs us hours every week.",
        ),
        employer_details=("Our night-shift staff have no bus at all after 7pm.",),
    ),
    "digital": Topic(
        problems=(
            "Broadband in the rural parts of Cheshire is still shocking.",
            "The mobile signal in the villages drops out completely.",
            "Many small firms here do not have the digital skills to sell online or use cloud "
            "software safely.",
        ),
        details=(
            "Cyber attacks are a growing worry and nobody offers practical help.",
            "Working from home is impossible on a connection this slow.",
        ),
        asks=(
            "Please make gigabit broadband for rural businesses a named priority.",
            "Offer free, hands-on digital support for micro-businesses, not just webinars.",
            "Use public buildings to bring fibre into the villages.",
            "Work with the councils to get mobile masts approved where they are needed.",
        ),
        priority=SKILLS,
        option=DIGITAL_B,
        employer_problems=(
            "The mobile signal drops out completely at rural business sites, so card payments "
            "and online orders are a lottery.",
            "Full fibre has not reached our business park, five minutes from the town centre.",
            "We lose video calls with clients every week because our connection cannot cope.",
        ),
        employer_details=(
            "We pay for a leased line that costs more than our rent.",
            "The voucher schemes are too complicated for a business with no IT person.",
        ),
    ),
    "net_zero": Topic(
        problems=(
            "We welcome the ambition for a net zero cluster, but small suppliers have no idea "
            "where to start.",
            "The hydrogen plans around Ellesmere Port and Stanlow could transform the area if "
            "they happen at scale.",
            "Net zero is mentioned a lot, but there is little about the skills needed to deliver "
            "it.",
        ),
        details=(
            "Installers of heat pumps and solar panels are booked months ahead.",
            "The cluster's emissions are the highest in the North West, so this matters.",
        ),
        asks=(
            "Set up a simple net zero advice service for small and medium firms.",
            "Back the hydrogen and carbon capture projects and make sure local firms win work "
            "in the supply chain.",
            "Help businesses share the cost of energy audits and efficiency measures.",
            "Train local people as heat pump, solar and hydrogen engineers.",
        ),
        priority=NET_ZERO,
        option=ENERGY_B,
        employer_problems=(
            "Energy is now our second biggest cost after wages.",
            "Decarbonising our processes will cost millions and the payback is too long without "
            "support.",
        ),
        employer_details=(
            "Our customers already ask us for carbon figures on every order.",
            "We would switch to hydrogen tomorrow if there were a pipeline to our site.",
            "Grid connections are a real bottleneck: we were quoted six years for an upgrade.",
        ),
    ),
    "premises": Topic(
        problems=(
            "There is nowhere affordable for a growing small business to move to.",
            "Business rates are crippling for shops and small firms with premises.",
            "Flexible workspace for freelancers is scarce outside Chester and Warrington.",
            "Most new commercial space is huge warehousing, not the small units local firms need.",
        ),
        details=("Landlords want five-year leases that no start-up can sign.",),
        asks=(
            "Build or convert small, flexible units on short leases.",
            "Support co-working spaces in the market towns, not just the big centres.",
            "Lobby the government to reform business rates for small firms.",
            "Use empty council buildings as space for start-ups.",
        ),
        priority=NO_PRIORITY,
        option=PREMISES_B,
        employer_problems=(
            "We have outgrown our unit, but there are no small industrial units free anywhere "
            "nearby.",
        ),
        employer_details=(
            "We have been on a waiting list for a 2,000 square foot unit for over a year.",
            "Our rates bill went up by a third at the last revaluation.",
        ),
    ),
    "finance": Topic(
        problems=(
            "Small businesses find it almost impossible to get finance to grow.",
            "There is plenty of talk about investment, but very little equity finance for "
            "early-stage firms in the North West.",
            "Grant schemes change so often that nobody knows what is available.",
        ),
        details=("Every funding programme seems to close just as people hear about it.",),
        asks=(
            "Create one simple place to find out about grants and loans.",
            "Set up a local investment fund for small and growing firms.",
            "Use the Growth Hub to help businesses become ready for investment.",
            "Press large firms and public bodies to pay their suppliers within 30 days.",
        ),
        priority=NO_PRIORITY,
        option=FINANCE_B,
        employer_problems=(
            "Getting finance to grow is almost impossible for a small business like ours.",
            "The banks will not lend without personal guarantees secured on our homes.",
            "Cash flow is our biggest problem: big customers take 90 days or more to pay.",
        ),
        employer_details=(
            "Grant forms take days to fill in and we rarely hear back.",
            "We had to turn down a large order because we could not pay for the materials.",
        ),
    ),
    "town_centres": Topic(
        problems=(
            "Our town centre is full of empty shops.",
            "{town} town centre has been declining for years and the strategy barely mentions it.",
            "High streets need more than shops now: people want somewhere to meet, eat and work.",
            "Fewer people come into {town} since the bank and the post office closed.",
        ),
        details=(
            "Parking charges drive people to the retail parks out of town.",
            "Some buildings have been empty for a decade because their owners live elsewhere.",
            "Anti-social behaviour in the evenings puts people off.",
        ),
        asks=(
            "Bring empty upper floors back into use as homes and workspace.",
            "Give town centres a fair share of the investment, not just the big growth sites.",
            "Support independent businesses and markets rather than more chains.",
            "Fund events and culture that bring people back into town.",
        ),
        priority=NO_PRIORITY,
        option=PREMISES_B,
    ),
    "housing": Topic(
        problems=(
            "House prices in places like Wilmslow and Knutsford force young people to move away.",
            "New estates are going up without the schools, GP surgeries and roads they need.",
            "Young people cannot afford to live near where the jobs are.",
        ),
        details=("A one-bedroom flat in {town} costs more than half an apprentice's wage.",),
        asks=(
            "The strategy should link new housing to where the new jobs will be.",
            "Build more affordable homes to rent near the employment sites.",
            "Make sure roads, schools and surgeries come before the new houses, not after.",
            "Work with the councils on housing for key workers in health and care.",
        ),
        priority=HS2,
        option="",
        employer_problems=(
            "Our staff cannot afford to live near work.",
            "We struggle to recruit because there is not enough affordable housing to rent near "
            "our site.",
        ),
        employer_details=(
            "Two of our graduates left last year because they could not find anywhere to rent.",
        ),
    ),
}

SECOND_TOPIC_LEADS = (
    "Separately, ",
    "We would also say that ",
    "One more thing: ",
    "On top of that, ",
    "A second point. ",
)
KEEP_CAPITAL = frozenset({"I", "I'm", "HS2"})

OFF_TOPIC = (
    "The potholes on the A530 are a disgrace. When will they be fixed?",
    "My bin was not collected last Tuesday and nobody answers the phone.",
    "test",
    "Please stop putting leaflets through my door.",
    "Why has my council tax gone up again?",
    "I could not find the planning application for the house next door on your website.",
    "Dog fouling in the park by the school is terrible.",
    "When does the swimming pool reopen?",
    "Not sure what this is about to be honest.",
    "n/a",
)

PLACE_REMARKS = (
    "Make {town} somewhere young people want to stay.",
    "{town} needs a proper market again and somewhere for families to go in the evening.",
    "Keep the bus services to the villages around {town}.",
    "Connect the station to {town} town centre with a decent walking and cycling route.",
    "Clean up the empty shop fronts in {town}.",
    "More small workspaces in {town} for people who work for themselves.",
    "Nothing to add.",
    "Good to see the towns mentioned, but {town} needs its own plan.",
    "Free parking for the first hour in {town} would help every shop on the high street.",
)

OTHER_BARRIERS = (
    "Childcare that fits around shifts",
    "Slow planning decisions",
    "Support for the visitor economy",
    "Support for rural businesses",
    "Late payment by large customers",
    "Red tape since leaving the EU",
)

SIGN_OFFS_ORGANISATION = (
    "We would be happy to discuss any of these points further.",
    "We look forward to working with the LEP on the final strategy.",
    "Thank you for the opportunity to respond.",
)
SIGN_OFFS_PERSONAL = ("Thanks.", "Good luck with it.", "Thank you for asking.")

# Who responds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archetype:
    """A kind of respondent: its profile, the names and voices it speaks with, what it
    raises, and how it tends to rate the strategy (weights for the five scale points)."""

    count: int
    responding_as: str
    organisation_type: str
    size_bands: tuple[str, ...]
    trades: tuple[tuple[str, str, str], ...]  # (trade, SIC section, organisation name template)
    voices: tuple[str, ...]
    topics: tuple[str, ...]
    mood: tuple[int, int, int, int, int]
    named: bool = False  # a real partner organisation: location is its local authority
    employer: bool = False  # speaks of its own staff and premises
    sign_offs: tuple[str, ...] = field(default=SIGN_OFFS_ORGANISATION)


B = OrganisationType.BUSINESS
ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        count=40,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=B,
        employer=True,
        size_bands=(SizeBand.SOLE_TRADER,),
        trades=(
            ("graphic designer", "M", "{first} {last} Design"),
            ("web developer", "J", "{last} Web Development"),
            ("photographer", "M", "{first} {last} Photography"),
            ("bookkeeper", "M", "{last} Bookkeeping"),
            ("electrician", "F", "{last} Electrical"),
            ("dog groomer", "S", "{first}'s Dog Grooming"),
            ("translator", "M", "{last} Translations"),
            ("music teacher", "P", "{first} {last} Music Tuition"),
            ("personal trainer", "R", "{first} {last} Fitness"),
            ("IT consultant", "J", "{last} IT Consulting"),
            ("mobile hairdresser", "S", "Hair by {first}"),
            ("joiner", "F", "{last} Joinery"),
        ),
        voices=(
            "I'm a freelance {trade} based in {town}.",
            "I've worked for myself as {a_trade} for {years} years.",
            "I work on my own as {a_trade}, from home in {town}.",
            "Self-employed {trade} here, working across Cheshire from {town}.",
        ),
        topics=("digital", "premises", "finance", "skills", "transport", "digital", "finance"),
        mood=(1, 3, 3, 2, 1),
        sign_offs=SIGN_OFFS_PERSONAL,
    ),
    Archetype(
        count=50,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=B,
        employer=True,
        size_bands=(SizeBand.MICRO,),
        trades=(
            ("café", "I", "The {town} Coffee House"),
            ("independent bookshop", "G", "{town} Books"),
            ("digital marketing agency", "J", "{river} Digital"),
            ("accountancy practice", "M", "{last} & Co Accountants"),
            ("craft brewery", "C", "{river} Brewing Company"),
            ("farm shop", "A", "{last}'s Farm Shop"),
            ("garage", "G", "{town} Motors"),
            ("architects' practice", "M", "{last} Architects"),
            ("software start-up", "J", "{river}Labs"),
            ("florist", "G", "{first}'s Flowers"),
            ("bed and breakfast", "I", "{river} View B&B"),
            ("engineering subcontractor", "C", "{last} Engineering"),
        ),
        voices=(
            "We are {a_trade} in {town} with {staff} staff.",
            "I own a small {trade} in {town}.",
            "We're a family-run {trade} and have been trading for {years} years.",
        ),
        topics=("premises", "finance", "digital", "skills", "town_centres", "premises"),
        mood=(1, 3, 3, 2, 1),
        sign_offs=SIGN_OFFS_PERSONAL,
    ),
    Archetype(
        count=35,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=B,
        employer=True,
        size_bands=(SizeBand.SMALL,),
        trades=(
            ("precision engineering firm", "C", "{river} Precision Engineering Ltd"),
            ("haulage company", "H", "{last} Haulage Ltd"),
            ("building contractor", "F", "{last} Construction Ltd"),
            ("software company", "J", "{river} Software Ltd"),
            ("hotel", "I", "The {river} Hotel"),
            ("food manufacturer", "C", "{river} Fine Foods Ltd"),
            ("recruitment agency", "N", "{last} Recruitment"),
            ("dairy farm", "A", "{last} Farms"),
            ("testing laboratory", "M", "{river} Analytical Services"),
        ),
        voices=(
            "We are {a_trade} employing {staff} people in {town}.",
            "I am the managing director of {a_trade} near {town}.",
            "Our {trade} has grown to {staff} staff over the last {years} years.",
        ),
        topics=("skills", "premises", "transport", "finance", "net_zero", "skills"),
        mood=(1, 4, 2, 2, 1),
    ),
    Archetype(
        count=20,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=B,
        employer=True,
        size_bands=(SizeBand.MEDIUM,),
        trades=(
            ("plastics manufacturer", "C", "{river} Polymers Ltd"),
            ("logistics company", "H", "{river} Logistics Ltd"),
            ("chemicals distributor", "G", "{river} Chemical Supplies Ltd"),
            ("contract research organisation", "M", "{river} Life Sciences Ltd"),
            ("automotive supplier", "C", "{river} Automotive Components Ltd"),
            ("home care provider", "Q", "{river} Care Services"),
        ),
        voices=(
            "We employ around {staff} people at our site in {town}.",
            "As {a_trade} with {staff} staff, we have a few points to make.",
        ),
        topics=("skills", "net_zero", "transport", "housing", "skills"),
        mood=(2, 4, 2, 1, 1),
    ),
    Archetype(
        count=15,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=B,
        employer=True,
        size_bands=(SizeBand.LARGE,),
        trades=(
            ("chemicals manufacturer", "C", "{river} Valley Chemicals plc"),
            ("automotive manufacturer", "C", "{river} Automotive Systems"),
            ("distribution business", "H", "{river} Distribution"),
            ("pharmaceutical manufacturer", "C", "{river} Pharmaceuticals"),
            ("energy company", "D", "{river} Hydrogen Energy"),
            ("financial services firm", "K", "{river} Financial Group"),
        ),
        voices=(
            "As one of the larger employers in the area, with more than {staff} staff at our "
            "{town} site, we welcome the draft strategy.",
            "We are {a_trade} employing over {staff} people across Cheshire and Warrington.",
        ),
        topics=("skills", "net_zero", "transport", "housing", "net_zero"),
        mood=(3, 5, 1, 1, 0),
    ),
    Archetype(
        count=20,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=OrganisationType.PUBLIC_SECTOR,
        size_bands=(SizeBand.SMALL, SizeBand.MICRO),
        trades=(
            ("council", "O", "Cheshire East Council"),
            ("council", "O", "Cheshire West and Chester Council"),
            ("council", "O", "Warrington Borough Council"),
            ("NHS trust", "Q", "Mid Cheshire Hospitals NHS Foundation Trust"),
            ("NHS trust", "Q", "Warrington and Halton Teaching Hospitals NHS Foundation Trust"),
            ("NHS trust", "Q", "East Cheshire NHS Trust"),
            ("NHS trust", "Q", "Cheshire and Wirral Partnership NHS Foundation Trust"),
            ("fire service", "O", "Cheshire Fire and Rescue Service"),
            ("police", "O", "Cheshire Constabulary"),
            ("town council", "O", "{town} Town Council"),
        ),
        voices=(
            "{name} welcomes the draft strategy and the chance to respond.",
            "This response is from officers at {name}.",
            "We support the overall direction of the draft strategy.",
        ),
        topics=("housing", "transport", "town_centres", "skills", "housing"),
        mood=(2, 5, 2, 1, 0),
        named=True,
    ),
    Archetype(
        count=12,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=OrganisationType.EDUCATION,
        size_bands=(SizeBand.MEDIUM, SizeBand.SMALL),
        trades=(
            ("university", "P", "University of Chester"),
            ("college", "P", "Reaseheath College"),
            ("college", "P", "Cheshire College – South and West"),
            ("college", "P", "Warrington and Vale Royal College"),
            ("college", "P", "Macclesfield College"),
            ("sixth form college", "P", "Priestley College"),
            ("sixth form college", "P", "Sir John Deane's Sixth Form College"),
            ("training provider", "P", "{river} Training Associates"),
            ("academy trust", "P", "{river} Learning Trust"),
            ("research institute", "M", "{river} Innovation Centre"),
        ),
        voices=(
            "As a provider of education and training to thousands of local learners, we welcome "
            "the strategy's focus on people.",
            "{name} is keen to work with the LEP on skills.",
        ),
        topics=("skills", "skills", "net_zero", "digital", "transport"),
        mood=(2, 5, 2, 1, 0),
        named=True,
    ),
    Archetype(
        count=20,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=OrganisationType.VOLUNTARY,
        size_bands=(SizeBand.MICRO, SizeBand.SMALL, SizeBand.MEDIUM, SizeBand.LARGE),
        trades=(
            ("charity", "S", "Cheshire Community Action"),
            ("charity", "S", "Warrington Voluntary Action"),
            ("charity", "Q", "Age UK Cheshire"),
            ("environmental charity", "E", "Groundwork Cheshire"),
            ("charity", "S", "{river} Valley Youth Trust"),
            ("community group", "S", "{town} Community Hub"),
            ("food bank", "Q", "{town} Food Bank"),
            ("club", "S", "{town} Rotary Club"),
            ("friends group", "R", "Friends of {town} Library"),
            ("arts charity", "R", "{town} Arts Centre"),
        ),
        voices=(
            "We work with some of the most disadvantaged communities in {town}.",
            "As a charity supporting local people, we want growth that reaches everyone.",
        ),
        topics=("town_centres", "housing", "skills", "transport", "digital"),
        mood=(1, 3, 3, 2, 1),
        named=True,
    ),
    Archetype(
        count=12,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=OrganisationType.TRADE_BODY,
        size_bands=(SizeBand.MICRO, SizeBand.SMALL),
        trades=(
            ("federation", "S", "Federation of Small Businesses, Cheshire and Warrington"),
            ("network", "S", "Cheshire Business Network"),
            ("manufacturers' association", "S", "North West Manufacturers' Forum"),
            ("farmers' union", "S", "NFU Cheshire"),
            ("hauliers' association", "S", "Cheshire Hauliers Association"),
            ("chemicals forum", "S", "Cheshire Chemicals Forum"),
            ("digital network", "S", "Cheshire Digital Network"),
            ("construction forum", "S", "Warrington Construction Forum"),
            ("tourism partnership", "S", "Cheshire Tourism Partnership"),
            ("chamber of trade", "S", "{town} Chamber of Trade"),
        ),
        voices=(
            "We represent over {members} member businesses across the sub-region.",
            "Our members have asked us to make the following points.",
        ),
        topics=("finance", "premises", "skills", "digital", "net_zero", "transport"),
        mood=(1, 4, 2, 2, 1),
        named=True,
    ),
    Archetype(
        count=8,
        responding_as=RespondingAs.ORGANISATION,
        organisation_type=OrganisationType.OTHER,
        size_bands=(SizeBand.MICRO, SizeBand.SMALL),
        trades=(
            ("business improvement district", "N", "Warrington Business Improvement District"),
            ("business improvement district", "N", "Chester Business Improvement District"),
            ("nature partnership", "S", "Cheshire Local Nature Partnership"),
            ("town board", "O", "Crewe Town Board"),
            ("town partnership", "O", "{town} Town Partnership"),
            ("housing association", "L", "{river} Housing Trust"),
            ("neighbourhood plan group", "S", "{town} Neighbourhood Plan Group"),
        ),
        voices=(
            "We are a partnership working to improve {town}.",
            "This response is on behalf of {name}.",
        ),
        topics=("town_centres", "housing", "transport", "net_zero"),
        mood=(1, 4, 2, 2, 1),
        named=True,
    ),
    Archetype(
        count=63,
        responding_as=RespondingAs.INDIVIDUAL,
        organisation_type="",
        size_bands=("",),
        trades=(("", "", ""),),
        voices=(
            "I live in {town}.",
            "I've lived in {town} all my life.",
            "I'm a retired engineer living in {town}.",
            "I commute from {town} to Manchester every day.",
            "I'm at college and would like to stay in the area when I finish.",
            "As a parent of two teenagers in {town}, I worry about what jobs there will be for "
            "them.",
        ),
        topics=("transport", "housing", "town_centres", "skills", "digital", "net_zero"),
        mood=(1, 2, 3, 2, 2),
        sign_offs=SIGN_OFFS_PERSONAL,
    ),
)

# Partner organisations are the size they are, whatever their archetype's usual bands say.
KNOWN_SIZES: dict[str, str] = {
    "Cheshire East Council": SizeBand.LARGE,
    "Cheshire West and Chester Council": SizeBand.LARGE,
    "Warrington Borough Council": SizeBand.LARGE,
    "Mid Cheshire Hospitals NHS Foundation Trust": SizeBand.LARGE,
    "Warrington and Halton Teaching Hospitals NHS Foundation Trust": SizeBand.LARGE,
    "East Cheshire NHS Trust": SizeBand.LARGE,
    "Cheshire and Wirral Partnership NHS Foundation Trust": SizeBand.LARGE,
    "Cheshire Fire and Rescue Service": SizeBand.LARGE,
    "Cheshire Constabulary": SizeBand.LARGE,
    "University of Chester": SizeBand.LARGE,
    "Reaseheath College": SizeBand.LARGE,
    "Cheshire College – South and West": SizeBand.LARGE,
    "Warrington and Vale Royal College": SizeBand.LARGE,
    "Macclesfield College": SizeBand.MEDIUM,
    "Priestley College": SizeBand.MEDIUM,
    "Sir John Deane's Sixth Form College": SizeBand.MEDIUM,
    "Age UK Cheshire": SizeBand.MEDIUM,
    "Groundwork Cheshire": SizeBand.MEDIUM,
    "Cheshire Community Action": SizeBand.SMALL,
    "Warrington Voluntary Action": SizeBand.SMALL,
    "Federation of Small Businesses, Cheshire and Warrington": SizeBand.MICRO,
    "NFU Cheshire": SizeBand.MICRO,
}

CAMPAIGN_OPENERS = (
    "I am responding as a supporter of the Save Our High Streets campaign.",
    "I am writing in support of the Save Our High Streets campaign.",
    "I support the Save Our High Streets campaign.",
)
CAMPAIGN_BODY = (
    "Our high street in {town} is dying: {closed} shops have closed in the last two years and "
    "the ones left are struggling with business rates and parking charges. The draft strategy "
    "talks about hydrogen and HS2 but says almost nothing about town centres, where most local "
    "people shop and work. We ask the LEP to create a fund to bring empty shops back into use, "
    "to press for business rates relief for independent shops and to support free parking for "
    "the first two hours."
)
CAMPAIGN_PERSONAL = (
    "",
    "",
    "",
    " My family have shopped in {town} for forty years.",
    " I run a shop there myself.",
)
CAMPAIGN_CLOSINGS = (
    "Please put town centres at the heart of this strategy.",
    "Please put town centres at the heart of the strategy.",
    "Please put our town centres at the heart of this strategy!",
    "Please put town centres at the heart of this strategy. Thank you.",
)
CLOSED_COUNTS = ("six", "seven", "eight", "nine", "ten", "11", "12", "15")

# Text -------------------------------------------------------------------------------------------


def _lower_first(sentence: str) -> str:
    """Continue a sentence after "Separately, ": lower-case its first word unless it is a
    name, an acronym or a placeholder for one."""
    first = sentence.split(" ", 1)[0]
    if first in KEEP_CAPITAL or "{" in first or any(c.isupper() for c in first[1:]):
        return sentence
    return sentence[0].lower() + sentence[1:]


def _topic_text(rng: random.Random, topic: Topic, *, employer: bool, short: bool = False) -> str:
    problems = topic.problems + (topic.employer_problems if employer else ())
    details = topic.details + (topic.employer_details if employer else ())
    parts = [rng.choice(problems)]
    if not short and rng.random() < 0.6:
        parts.append(rng.choice(details))
    parts.append(rng.choice(topic.asks))
    return " ".join(parts)


@dataclass
class Person:
    first: str
    last: str
    town: str


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values)


def _free_text(
    rng: random.Random, archetype: Archetype, topics: list[str], values: dict[str, Any]
) -> str:
    sentences = []
    if rng.random() < 0.7:
        sentences.append(rng.choice(archetype.voices))
    sentences.append(_topic_text(rng, TOPICS[topics[0]], employer=archetype.employer))
    if len(topics) > 1:
        lead = rng.choice(SECOND_TOPIC_LEADS)
        second = _topic_text(rng, TOPICS[topics[1]], employer=archetype.employer, short=True)
        continues = lead.endswith((", ", "that "))
        sentences.append(lead + (_lower_first(second) if continues else second))
    if rng.random() < 0.3:
        sentences.append(rng.choice(archetype.sign_offs))
    joiner = "\n\n" if len(sentences) > 3 and rng.random() < 0.5 else " "
    return _fill(joiner.join(sentences), values)


def _scale(rng: random.Random, options: list[int], mood: tuple[int, ...]) -> int:
    return rng.choices(options, weights=mood)[0]


STAFF_RANGES: dict[str, tuple[int, int]] = {
    SizeBand.MICRO: (2, 9),
    SizeBand.SMALL: (10, 49),
    SizeBand.MEDIUM: (50, 249),
    SizeBand.LARGE: (300, 2500),
}


def _staff_count(rng: random.Random, band: str) -> int:
    """A number of staff true to the size band (large ones rounded, as people give them)."""
    low, high = STAFF_RANGES.get(band, (1, 1))
    return rng.randrange(low, high, 50) if band == SizeBand.LARGE else rng.randint(low, high)


def _location(rng: random.Random, town: str) -> str:
    roll = rng.random()
    if roll < 0.5:
        return AUTHORITY_OF[town]
    if roll < 0.85:
        districts = next(d for t, _, d in TOWNS if t == town)
        return rng.choice(districts)
    return ""


def _email(rng: random.Random, person: Person, domain: str = "example.com") -> str:
    local = f"{person.first}.{person.last}".lower().replace("'", "")
    return f"{local}{rng.randint(1, 99)}@{domain}"


# The consultation ------------------------------------------------------------------------------


def _demo_version() -> tuple[Strategy, StrategyVersion]:
    organisation = Organisation.objects.get(ons_code=DEMO_ORGANISATION_ONS_CODE)
    strategy = Strategy.objects.get(organisation=organisation, slug=DEMO_STRATEGY_SLUG)
    version = strategy.versions.filter(label=DEMO_VERSION_LABEL).order_by("number").first()
    if version is None:
        raise LookupError(f"The demo strategy has no version called {DEMO_VERSION_LABEL!r}.")
    return strategy, version


def _create_questions(consultation: Consultation, version: StrategyVersion) -> list[Question]:
    sections = {s.anchor: s.pk for s in version.sections.all()}
    specs: list[dict[str, Any]] = [
        {
            "kind": Question.Kind.SINGLE,
            "text": "Which of our three proposed priorities matters most to you?",
            "options": (NET_ZERO, SKILLS, HS2, NO_PRIORITY),
            "required": True,
            "section_id": sections.get("priorities"),
        },
        {
            "kind": Question.Kind.SCALE,
            "text": "Our vision for Cheshire and Warrington is the right one.",
            "hint": "How far do you agree?",
            "required": True,
            "section_id": sections.get("executive-summary"),
        },
        {
            "kind": Question.Kind.MULTIPLE,
            "text": "Which of these hold back businesses and organisations like yours?",
            "hint": "Select all that apply.",
            "options": BARRIERS,
            "allow_other": True,
            "section_id": sections.get("business-environment"),
        },
        {
            "kind": Question.Kind.SCALE,
            "text": "The strategy does enough for small businesses and freelancers.",
            "hint": "How far do you agree?",
            "section_id": sections.get("business-environment"),
        },
        {
            "kind": Question.Kind.SCALE,
            "text": "Our plans for skills and apprenticeships will meet employers' needs.",
            "hint": "How far do you agree?",
            "section_id": sections.get("people"),
        },
        {
            "kind": Question.Kind.FREE_TEXT,
            "text": (
                "What is the biggest challenge for your business, organisation or area, and "
                "what should the strategy do about it?"
            ),
            "hint": "Up to 2,000 characters.",
            "max_length": 2000,
            "section_id": sections.get("our-place-and-economy"),
        },
        {
            "kind": Question.Kind.FREE_TEXT,
            "text": "What should the strategy do for the town or village where you work or live?",
            "hint": "Up to 1,000 characters.",
            "max_length": 1000,
            "section_id": sections.get("places"),
        },
    ]
    return [services.question_save(consultation=consultation, **spec) for spec in specs]


@dataclass
class PlannedResponse:
    """Everything needed to create one response, planned before any is created so that they
    can be created in the order they were "submitted" (references then follow time)."""

    submitted_at: datetime
    profile: dict[str, str]
    raw: dict[int, Any]
    other: dict[int, str]
    respondent: User | None = None


class _Questions:
    def __init__(self, questions: list[Question]) -> None:
        (
            self.priority,
            self.vision,
            self.barriers,
            self.small_firms,
            self.skills,
            self.challenge,
            self.place,
        ) = questions
        self.option = {(q.pk, o.label): o.pk for q in questions for o in q.options.all()}
        self.scale = [o.pk for o in self.vision.options.all()]
        self.scale_small = [o.pk for o in self.small_firms.options.all()]
        self.scale_skills = [o.pk for o in self.skills.options.all()]

    def pick(self, question: Question, label: str) -> int:
        return self.option[(question.pk, label)]


def _plan_ordinary(
    rng: random.Random, q: _Questions, opens_at: datetime, now: datetime
) -> list[PlannedResponse]:
    plans: list[PlannedResponse] = []
    window = (now - opens_at).total_seconds() - 3600
    off_topic_left, empty_left = len(OFF_TOPIC), 20
    for archetype in ARCHETYPES:
        for index in range(archetype.count):
            town = rng.choice(TOWNS)[0]
            person = Person(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), town)
            if index < len(archetype.trades):
                trade, sector, name_template = archetype.trades[index]
            else:
                # A partner responds once; further responses come from the many small
                # organisations a template stands for.
                trade, sector, name_template = rng.choice(
                    [t for t in archetype.trades if "{" in t[2]] or archetype.trades
                )
            values = {
                "town": town,
                "first": person.first,
                "last": person.last,
                "river": rng.choice(RIVERS),
                "trade": trade,
                "a_trade": ("an " if trade[:1] in "aeiouAEIOU" else "a ") + trade,
                "years": rng.randint(2, 25),
                "members": rng.choice((300, 800, 1500, 4000)),
            }
            band = archetype.size_bands[index % len(archetype.size_bands)]
            band = KNOWN_SIZES.get(name_template, band)
            values["staff"] = _staff_count(rng, band)
            organisation_name = _fill(name_template, values) if name_template else ""
            values["name"] = organisation_name
            is_individual = archetype.responding_as == RespondingAs.INDIVIDUAL
            consent = rng.choices(
                (Consent.WITH_NAME, Consent.ANONYMOUS, Consent.NONE),
                weights=(0, 6, 4) if is_individual else (45, 35, 20),
            )[0]
            gives_name = rng.random() < (0.5 if is_individual else 0.85)
            profile = {
                "responding_as": archetype.responding_as,
                "respondent_name": f"{person.first} {person.last}" if gives_name else "",
                "organisation_name": organisation_name,
                "organisation_type": archetype.organisation_type,
                "size_band": band,
                "sector": sector,
                "location": AUTHORITY_OF[town] if archetype.named else _location(rng, town),
                "consent": consent,
                "email": _email(rng, person) if rng.random() < 0.7 else "",
            }
            topics = [rng.choice(archetype.topics)]
            if rng.random() < 0.3:
                second = rng.choice([t for t in TOPICS if t != topics[0]])
                topics.append(second)
            raw: dict[int, Any] = {}
            other: dict[int, str] = {}
            # Question 1: the priority, leaning towards the topic raised.
            priority = TOPICS[topics[0]].priority
            if rng.random() < 0.35:
                priority = rng.choice((NET_ZERO, SKILLS, HS2, NO_PRIORITY))
            raw[q.priority.pk] = q.pick(q.priority, priority)
            raw[q.vision.pk] = _scale(rng, q.scale, archetype.mood)
            # Question 3: the barriers behind the topics, plus a few others.
            barriers = {TOPICS[t].option for t in topics if TOPICS[t].option}
            barriers.update(rng.sample(BARRIERS, k=rng.choice((0, 0, 1, 2))))
            chosen: list[Any] = [q.pick(q.barriers, label) for label in sorted(barriers)]
            if rng.random() < 0.12:
                chosen.append(OTHER)
                other[q.barriers.pk] = rng.choice(OTHER_BARRIERS)
            if rng.random() < 0.05:
                chosen, other = [], {}
            raw[q.barriers.pk] = chosen
            small_mood = archetype.mood
            if band in {SizeBand.SOLE_TRADER, SizeBand.MICRO}:
                small_mood = (0, 1, 2, 4, 3)
            if rng.random() < 0.93:
                raw[q.small_firms.pk] = _scale(rng, q.scale_small, small_mood)
            if rng.random() < 0.9:
                raw[q.skills.pk] = _scale(rng, q.scale_skills, archetype.mood)
            # Question 6: what they raise; a few answer off the point or not at all.
            roll = rng.random()
            if is_individual and off_topic_left and roll < 0.2:
                off_topic_left -= 1
                raw[q.challenge.pk] = OFF_TOPIC[off_topic_left]
            elif empty_left and roll > 0.93:
                empty_left -= 1
                raw[q.challenge.pk] = ""
            else:
                raw[q.challenge.pk] = _free_text(rng, archetype, topics, values)
            # Question 7: a remark about their place, from about a third.
            if rng.random() < 0.35:
                raw[q.place.pk] = _fill(rng.choice(PLACE_REMARKS), values)
            seconds = window * (rng.random() ** 1.3) + 1800
            plans.append(
                PlannedResponse(
                    submitted_at=opens_at + timedelta(seconds=seconds),
                    profile=profile,
                    raw=raw,
                    other=other,
                )
            )
    return plans


def _plan_campaign(rng: random.Random, q: _Questions, opens_at: datetime) -> list[PlannedResponse]:
    """Near-identical responses from one campaign, most within three days of each other."""
    plans = []
    campaign_start = opens_at + timedelta(days=9)
    high_street_towns = ("Crewe", "Winsford", "Northwich", "Ellesmere Port", "Macclesfield")
    for index in range(CAMPAIGN_SIZE):
        town = rng.choice(high_street_towns)
        person = Person(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), town)
        is_shop = index % 4 == 0
        personal = " I run a shop there myself." if is_shop else rng.choice(CAMPAIGN_PERSONAL)
        text = (
            rng.choice(CAMPAIGN_OPENERS)
            + " "
            + CAMPAIGN_BODY.format(town=town, closed=rng.choice(CLOSED_COUNTS))
            + personal.format(town=town)
            + " "
            + rng.choice(CAMPAIGN_CLOSINGS)
        )
        profile = {
            "responding_as": RespondingAs.ORGANISATION if is_shop else RespondingAs.INDIVIDUAL,
            "respondent_name": f"{person.first} {person.last}",
            "organisation_name": f"{person.last}'s of {town}" if is_shop else "",
            "organisation_type": B if is_shop else "",
            "size_band": SizeBand.MICRO if is_shop else "",
            "sector": "G" if is_shop else "",
            "location": AUTHORITY_OF[town],
            "consent": Consent.ANONYMOUS if index % 3 else Consent.WITH_NAME,
            "email": _email(rng, person),
        }
        if not is_shop and profile["consent"] == Consent.WITH_NAME:
            profile["consent"] = Consent.ANONYMOUS
        raw: dict[int, Any] = {
            q.priority.pk: q.pick(q.priority, NO_PRIORITY),
            q.vision.pk: q.scale[rng.choice((2, 3, 3, 4))],
            q.barriers.pk: [q.pick(q.barriers, PREMISES_B), OTHER],
            q.small_firms.pk: q.scale_small[rng.choice((3, 4))],
            q.challenge.pk: text,
        }
        if rng.random() < 0.4:
            raw[q.place.pk] = rng.choice(
                ("Save our high streets!", f"Free parking in {town} town centre.", "")
            )
        plans.append(
            PlannedResponse(
                submitted_at=campaign_start + timedelta(hours=rng.uniform(0, 72)),
                profile=profile,
                raw=raw,
                other={q.barriers.pk: "Support for town centres and high streets"},
            )
        )
    return plans


def _create_responses(consultation: Consultation, plans: list[PlannedResponse]) -> int:
    created = 0
    plans.sort(key=lambda plan: plan.submitted_at)
    for number, plan in enumerate(plans):
        _, made = services.response_create_complete(
            consultation=consultation,
            profile=plan.profile,
            raw_answers=plan.raw,
            other_answers=plan.other,
            submission_key=uuid.uuid5(KEY_NAMESPACE, f"{consultation.slug}/{number}"),
            source=Response.Source.WEB,
            respondent=plan.respondent,
            check_open=False,
            submitted_at=plan.submitted_at,
        )
        created += made
    return created


def _fixed_slug(consultation: Consultation, slug: str) -> Consultation:
    if consultation.slug != slug:
        consultation = services.consultation_update(consultation=consultation, slug=slug)
    return consultation


@transaction.atomic
def demo_consultation_seed() -> Consultation:
    """The demo consultation on Cheshire and Warrington's "First full draft", open for three
    weeks with five to go, with its questions and 320 responses. Idempotent: an existing demo
    consultation is returned as it is."""
    existing = Consultation.objects.filter(slug=DEMO_CONSULTATION_SLUG).first()
    if existing is not None:
        return existing
    strategy, version = _demo_version()
    editor = User.objects.filter(email="editor@example.org").first()
    now = timezone.now().replace(second=0, microsecond=0)
    opens_at, closes_at = now - timedelta(weeks=3), now + timedelta(weeks=5)
    name = strategy.organisation.name
    consultation = services.consultation_create(
        strategy=strategy,
        version=version,
        title=f"Our draft Local Industrial Strategy for {name}: have your say",
        summary=(
            f"We have written a first full draft of the Local Industrial Strategy for {name}: "
            "how we will raise productivity and make sure growth reaches every town and "
            "village. Tell us whether we have the right priorities for net zero industry, "
            "skills and the growth corridors around HS2 Crewe, and what is missing. We want "
            "to hear from businesses of every size, freelancers, public partners, colleges, "
            "charities and residents."
        ),
        body=(
            "The draft strategy sets out three priorities: a net zero industrial cluster, "
            "skills for high-value jobs, and growth corridors around HS2 Crewe. Read the draft, "
            "comment on any section, and answer seven questions.\n\n"
            "This is demonstration data: the responses here are invented."
        ),
        how_to_respond=(
            "Answer online. It takes about 10 minutes. You can respond as an individual or on "
            "behalf of an organisation, without signing in. If you sign in you can save your "
            "answers and come back later, and change or withdraw your response until the "
            "consultation closes.\n\n"
            "You can also comment on each section of the draft. Comments appear once a "
            "moderator has checked them."
        ),
        privacy_notice=privacy_notice_text(
            organisation_name=name, closes_at=closes_at, retention_days=365, noun="consultation"
        ),
        opens_at=opens_at,
        closes_at=closes_at,
        allow_anonymous=True,
        moderation=Consultation.Moderation.PRE,
        author=editor,
    )
    consultation = _fixed_slug(consultation, DEMO_CONSULTATION_SLUG)
    q = _Questions(_create_questions(consultation, version))
    rng = random.Random(SEED)
    plans = _plan_ordinary(rng, q, opens_at, now) + _plan_campaign(rng, q, opens_at)
    # The demo respondent (a freelancer) sent one of them while signed in, so that the
    # "download my data" page has something to show.
    rita = User.objects.filter(email="respondent@example.org").first()
    freelancer = next(plan for plan in plans if plan.profile["size_band"] == SizeBand.SOLE_TRADER)
    if rita is not None:
        freelancer.respondent = rita
        freelancer.profile.update(respondent_name=rita.display_name, email=rita.email)
    _create_responses(consultation, plans)
    _seed_comments(consultation)
    return consultation


DEMO_COMMENTERS = (
    ("sam.sole@example.org", "Sam Sole"),
    ("priya.patel@example.org", "Priya Patel"),
    ("tom.hughes@example.org", "Tom Hughes"),
    ("grace.lee@example.org", "Grace Lee"),
    ("dan.jones@example.org", "Dan Jones"),
    ("amira.khan@example.org", "Amira Khan"),
    ("spam.bot@example.org", "Best Deals"),
    ("ken.price@example.org", "Ken Price"),
    ("olivia.reed@example.org", "Olivia Reed"),
)

# (commenter index, section anchor, text, what the moderator does, reason)
DEMO_COMMENTS = (
    (
        0,
        "foreword",
        "Good to see freelancers mentioned. Most of us never hear about these "
        "plans until they are finished.",
        "approve",
        "",
    ),
    (
        1,
        "executive-summary",
        "The hydrogen plans are exciting, but small suppliers in "
        "Ellesmere Port need to know how they can be part of the supply chain.",
        "approve",
        "",
    ),
    (
        2,
        "our-place-and-economy",
        "Crewe's town centre is not mentioned enough. The station "
        "will not help if the high street keeps emptying.",
        "approve",
        "",
    ),
    (
        3,
        "our-place-and-economy",
        "Please add figures on rural broadband: half of the farms "
        "near Malpas still cannot get a decent connection.",
        "pending",
        "",
    ),
    (
        4,
        "executive-summary",
        "Why is there nothing about childcare? Our staff cannot work longer hours without it.",
        "pending",
        "",
    ),
    (
        5,
        "foreword",
        "Everyone who wrote this should be sacked, they are all useless.",
        "reject",
        "Personal abuse is against the rules for comments. Please say what you think "
        "of the strategy itself.",
    ),
    (
        7,
        "foreword",
        "Call my office on 01234 567890 to discuss a contract for the new station car park.",
        "hide",
        "Comments may not contain personal contact details or sales offers.",
    ),
    (
        6,
        "our-place-and-economy",
        "Best deals http://example.com/a http://example.com/b "
        "http://example.com/c cheap loans for business now",
        "held",
        "",
    ),
)


def _seed_comments(consultation: Consultation) -> None:
    """Section comments in every moderation state: approved (one with a reply, one reported),
    waiting, rejected and hidden with reasons, and one held by the spam filter."""
    from .moderation import comment_moderate, comment_post, comment_report

    moderator = User.objects.filter(email="lepmoderator@example.org").first()
    if moderator is None:
        return
    sections = {s.anchor: s for s in consultation.version.sections.all()}
    authors = []
    for email, name in DEMO_COMMENTERS:
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        authors.append(user)
    posted = []
    for author_index, anchor, text, action, reason in DEMO_COMMENTS:
        section = sections.get(anchor)
        if section is None:
            continue
        comment = comment_post(
            consultation=consultation, section=section, author=authors[author_index], body=text
        )
        if action in {"approve", "hide"}:
            comment = comment_moderate(comment=comment, moderator=moderator, action="approve")
        if action == "reject":
            comment_moderate(comment=comment, moderator=moderator, action="reject", reason=reason)
        if action == "hide":
            comment_moderate(comment=comment, moderator=moderator, action="hide", reason=reason)
        posted.append(comment)
    if len(posted) >= 3:
        reply = comment_post(
            consultation=consultation,
            section=posted[2].section,
            author=authors[8],
            body="Agreed. Market Street has lost four shops this year.",
            parent=posted[2],
        )
        comment_moderate(comment=reply, moderator=moderator, action="approve")
        comment_report(
            comment=posted[1],
            reporter=authors[5],
            reason="This reads like an advert for one company.",
        )


# The street-level survey -------------------------------------------------------------------------

ONE_THING = (
    "Cheaper rent for a small unit.",
    "Faster broadband, honestly. Everything else is fine.",
    "A grant towards a second van.",
    "Someone to explain how to sell to Ireland and the EU now.",
    "Lower business rates.",
    "Affordable desk space in {town} so I don't have to work from the kitchen.",
    "Help finding and training an apprentice.",
    "Being paid on time by big customers.",
    "Free training on selling online and social media.",
    "A mentor who has run a business like mine.",
    "Parking for customers near the shop.",
    "Less paperwork.",
    "A local networking group that meets in the evening.",
    "Small loans without needing my house as security.",
    "Better buses so my staff can get to work.",
    "Advice on cutting our energy bills.",
    "",
)
STREET_STAFF_LABELS: dict[str, str] = {
    SizeBand.SOLE_TRADER: "Just me",
    SizeBand.MICRO: "2 to 9 people",
    SizeBand.SMALL: "10 to 49 people",
}
STREET_SECTOR = {
    "M": "Professional services, such as accounts, law or consulting",
    "J": "Digital, creative and media",
    "F": "Building, trades and repairs",
    "G": "Shops, cafés, pubs and hospitality",
    "I": "Shops, cafés, pubs and hospitality",
    "C": "Making or manufacturing things",
    "H": "Transport, delivery and logistics",
    "A": "Farming, food and the countryside",
    "P": "Health, care, education and training",
    "S": "Something else",
    "R": "Something else",
}


@transaction.atomic
def demo_street_level_seed() -> Consultation:
    """The street-level survey on the demo strategy, open for two weeks with six to go, with
    40 responses from freelancers and micro-businesses. Idempotent."""
    existing = Consultation.objects.filter(slug=DEMO_STREET_LEVEL_SLUG).first()
    if existing is not None:
        return existing
    strategy, version = _demo_version()
    editor = User.objects.filter(email="editor@example.org").first()
    now = timezone.now().replace(second=0, microsecond=0)
    opens_at = now - timedelta(weeks=2)
    consultation = street_level_survey_create(
        strategy=strategy,
        version=version,
        author=editor,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(weeks=8),
    )
    consultation = _fixed_slug(consultation, DEMO_STREET_LEVEL_SLUG)
    questions = list(consultation.questions.prefetch_related("options"))
    labels = {(q.pk, o.label): o.pk for q in questions for o in q.options.all()}
    people, sector_q, trading, grow, exporting, one_thing = questions
    rng = random.Random(SEED + 1)
    small_archetypes = list(ARCHETYPES[:2])
    plans = []
    for index in range(STREET_LEVEL_RESPONSE_COUNT):
        archetype = small_archetypes[index % 2]
        _, sector, name_template = rng.choice(archetype.trades)
        town = rng.choice(TOWNS)[0]
        person = Person(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), town)
        values = {"town": town, "first": person.first, "last": person.last}
        values["river"] = rng.choice(RIVERS)
        band = archetype.size_bands[0]
        if band == SizeBand.MICRO and rng.random() < 0.15:
            band = SizeBand.SMALL
        staff_label = STREET_STAFF_LABELS[band]
        gives_details = rng.random() < 0.4
        profile = {
            "responding_as": RespondingAs.ORGANISATION,
            "respondent_name": f"{person.first} {person.last}" if gives_details else "",
            "organisation_name": _fill(name_template, values) if gives_details else "",
            "organisation_type": B,
            "size_band": band,
            "sector": sector,
            "location": _location(rng, town),
            "consent": rng.choice((Consent.ANONYMOUS, Consent.ANONYMOUS, Consent.NONE)),
            "email": _email(rng, person) if gives_details else "",
        }
        if gives_details and rng.random() < 0.5:
            profile["consent"] = Consent.WITH_NAME
        needs = rng.sample([o.label for o in grow.options.all()], k=rng.choice((1, 1, 2, 2, 3)))
        grow_raw: list[Any] = [labels[(grow.pk, label)] for label in needs]
        other: dict[int, str] = {}
        if rng.random() < 0.15:
            grow_raw.append(OTHER)
            other[grow.pk] = rng.choice(OTHER_BARRIERS)
        raw = {
            people.pk: labels[(people.pk, staff_label)],
            sector_q.pk: labels[(sector_q.pk, STREET_SECTOR.get(sector, "Something else"))],
            trading.pk: labels[(trading.pk, rng.choices(TRADING_TIMES, (1, 3, 4, 4, 3))[0])],
            grow.pk: grow_raw,
            exporting.pk: labels[(exporting.pk, rng.choices(EXPORTING, (1, 2, 4))[0])],
            one_thing.pk: _fill(rng.choice(ONE_THING), values),
        }
        plans.append(
            PlannedResponse(
                submitted_at=opens_at + timedelta(seconds=rng.uniform(600, 13 * 86400)),
                profile=profile,
                raw=raw,
                other=other,
            )
        )
    _create_responses(consultation, plans)
    return consultation

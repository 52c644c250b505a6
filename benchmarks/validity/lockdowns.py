"""Public dates of national COVID-19 lockdowns or emergencies in 2020, the anchors of case 1.

Country names are the column names of the GDELT/Twitter wide files (../shared/data/external/
gdelt-twitter-covid-country-mentions-2020). PRIMARY are the eight countries of issue 13, the
set a model may be tuned on; HELD_OUT are dates added for this suite (only ones we are sure
of), reported separately so that a model tuned on the first set is also judged on others.
Each date is the day the measure was announced or took effect, with a one-line note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Lockdown:
    country: str
    day: dt.date
    note: str


PRIMARY: tuple[Lockdown, ...] = (
    Lockdown("Italy", dt.date(2020, 3, 9), "national lockdown decree (DPCM of 9 March), in force 10 March"),
    Lockdown("Spain", dt.date(2020, 3, 14), "state of alarm declared by the government, 14 March"),
    Lockdown("France", dt.date(2020, 3, 17), "national confinement from noon, 17 March (announced 16 March)"),
    Lockdown("United Kingdom", dt.date(2020, 3, 23), "stay-at-home order announced by the Prime Minister, 23 March"),
    Lockdown("Germany", dt.date(2020, 3, 22), "federal and state contact restrictions agreed, 22 March"),
    Lockdown("India", dt.date(2020, 3, 24), "21-day national lockdown announced 24 March, from 25 March"),
    Lockdown("Japan", dt.date(2020, 4, 7), "state of emergency for seven prefectures, 7 April"),
    Lockdown("Brazil", dt.date(2020, 3, 20), "approximate: federal state of public calamity approved, 20 March"),
)

HELD_OUT: tuple[Lockdown, ...] = (
    Lockdown("United States", dt.date(2020, 3, 13), "national emergency declared by the President, 13 March"),
    Lockdown("Philippines", dt.date(2020, 3, 16), "enhanced community quarantine of Luzon announced, 16 March"),
    Lockdown("Austria", dt.date(2020, 3, 16), "nationwide movement restrictions in force, 16 March"),
    Lockdown("Canada", dt.date(2020, 3, 17), "approximate: provincial emergencies (Ontario, Alberta), 17 March"),
    Lockdown("Malaysia", dt.date(2020, 3, 18), "Movement Control Order in force, 18 March (announced 16 March)"),
    Lockdown("Argentina", dt.date(2020, 3, 20), "mandatory preventive social isolation from 20 March"),
    Lockdown("Australia", dt.date(2020, 3, 23), "closure of non-essential venues (stage 1), 23 March"),
    Lockdown("New Zealand", dt.date(2020, 3, 25), "alert level 4 lockdown from 25 March, 23:59 (announced 23 March)"),
    Lockdown("South Africa", dt.date(2020, 3, 26), "national lockdown from midnight, 26 March (announced 23 March)"),
    Lockdown("Ireland", dt.date(2020, 3, 27), "stay-at-home order announced 27 March (schools closed 12 March)"),
)

# GDELT changed how much it collects: its total daily coverage (the files' Grand Total)
# jumped about threefold on 18 November 2020 and stayed there.
COLLECTION_CHANGE = (dt.date(2020, 11, 18), dt.date(2020, 11, 24))

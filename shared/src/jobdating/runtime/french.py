"""Dates as people in France read them, in one place for messages, printed plans and the operator's command
(no locale: the machines running the services rarely have fr_FR installed)."""

from __future__ import annotations

from datetime import date

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def day_month(day: date) -> str:
    """`jeudi 3 décembre`."""
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def day_month_year(day: date) -> str:
    """`jeudi 3 décembre 2026`."""
    return f"{day_month(day)} {day.year}"


def day_short(day: date) -> str:
    """`jeudi 3/12`, for SMS."""
    return f"{DAYS[day.weekday()]} {day.day}/{day.month:02d}"

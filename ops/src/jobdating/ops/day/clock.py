"""The demo day's clock (its local times, its start), and readying a stack to run on it."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

from jobdating.ops.demo_calendar import ZONE, keep_day, local_today
from jobdating.ops.stack import Stack, StackError
from jobdating.runtime.clock import ScaledClock
from jobdating.testing.demo_data import staff_toml

MORNING = "07:30"  # the demo clock starts here, before the first candidates arrive (sites open at 08:00)
SITE_OPENS, SITE_CLOSES = "08:00", "13:00"

SETUP_SECONDS = 45.0  # starting the stack, loading the demo and computing its plan take 10 to 30 s
# Notifications plans the morning reminder (07:00) only for a convocation sent more than six hours before:
# the clock reads no earlier than 02:30 when the services start, so that the plan is always published
# less than six hours before and the day's mails do not depend on how long the start took.
EARLIEST_START = timedelta(hours=5)
PREPARATION_WEEKS = timedelta(weeks=3)
PREPARATION_STARTS = "09:00"


def local(day: date, hhmm: str) -> datetime:
    """A local wall-clock time of `day`, as an aware UTC instant."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def demo_clock(day: date, speed: float, lead_seconds: float, start: str = MORNING) -> ScaledClock:
    """The day's clock: it reads `start` (local time on `day`) `lead_seconds` from now, the time the stack
    needs to start and the demo to be loaded and published; it reads earlier times until then."""
    return ScaledClock(local(day, start), speed, time.time() + lead_seconds)


def brought_closer(clock: ScaledClock, lead_seconds: float) -> ScaledClock:
    """`clock`, reading its start `lead_seconds` from now if that is sooner: a demo loaded and published
    long before its day (a lead sized for a slow start) skips the idle rest of the evening and night once
    the services are restarted on it. Never later than `clock`: a slow start keeps the time it has left."""
    return ScaledClock(clock.start, clock.speed, min(clock.origin, time.time() + lead_seconds))


def day_of(clock: ScaledClock) -> date:
    """The demo day a clock made by `demo_clock` runs."""
    return local_today(clock.start)


def lead_for(speed: float) -> float:
    """Real seconds between the services' start and 07:30 on the demo clock."""
    return min(SETUP_SECONDS, EARLIEST_START.total_seconds() / speed)


def weeks_before(day: date) -> ScaledClock:
    """The clock of the preparation pathway: real speed, from 09:00 three weeks before `day` (scheduling
    books nothing in the past, so the workshops and individual interviews are booked while it reads then)."""
    return ScaledClock(local(day - PREPARATION_WEEKS, PREPARATION_STARTS), 1.0)


def to_the_day(stack: Stack, clock: ScaledClock) -> None:
    """The services that read the clock move from `weeks_before` to the day's `clock`, which reads 07:30
    `lead_for` its speed from now (the plan is published in that lead, see `EARLIEST_START`)."""
    clock.origin = time.time() + lead_for(clock.speed)
    stack.move_clock(clock)


def prepare(stack: Stack, speed: float, today: date | None = None) -> ScaledClock:
    """After `stack.prepare`, before `stack.start()`: a fresh data folder, the staff directory, every
    service on the clock of the weeks before (`weeks_before`); returns the day's clock, which `to_the_day`
    sets going once they are prepared. The day is `today` (France's date now unless given), kept in the
    folder."""
    if (stack.data_dir / "scheduling.db").exists():
        raise StackError(
            f"{stack.data_dir} contient déjà un job dating : la journée de démonstration part d'un dossier "
            "neuf (choisissez un autre --data-dir ou supprimez celui-ci)"
        )
    if speed <= 0:
        raise StackError("la vitesse de l'horloge (--speed) doit être positive")
    if not stack.staff_file.exists():
        stack.staff_file.write_text(staff_toml())
    on = keep_day(stack.data_dir, today or local_today(datetime.now(UTC)))
    clock = demo_clock(on, speed, lead_for(speed))
    stack.use_clock(weeks_before(on))
    # The day's people are invented and its folder thrown away: hashing their passwords at the settings'
    # floor (OWASP's argon2id minimum) lets them be created and signed in before the day starts.
    floor = {"TIME_COST": "2", "MEMORY_KIB": str(19 * 1024), "LANES": "1"}
    stack.identity_settings |= {f"PASSWORD_{name}": value for name, value in floor.items()}
    return clock

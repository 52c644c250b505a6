"""A monitor definition: what to watch, what to score, when to alert and whom to tell.

A monitor file is YAML (docs/monitors.md):

    name: tiktok-watch
    events: data/tiktok-2020/events.csv      # a file or a glob (or a list of them)
    mentions: /srv/inbox/*.csv
    actors: [TikTok]                         # selection: actors, narratives, targets, event_types, bucket
    narratives: [Huawei, "tax=apple,tax ruling"]  # kept names or NAME=KW,KW, as --narrative
    min_stage: boiling                       # and/or rules: [spike, drift, change_point]
    webhook: https://hooks.example/…         # or {url: …, format: json|slack|teams}
    email: {to: [a@example.org], from: bp@example.org, smtp: "mail.example.org:587"}
    import: {map: [...], date_format: ..., timezone: ..., actors: FILE, wide: true, tone_model: FILE}
    quiet_hours: {from: "22:00", to: "07:00", timezone: Europe/Paris}
    rate_limit: 5/hour

The file is read with a SafeLoader that resolves no implicit types (as the actor
dictionary): every scalar is the text written, so `NO` stays "NO" and `07:00` stays a time,
never a YAML 1.1 boolean or a sexagesimal number. Each value is then checked here and a
bad one raises MonitorError naming its key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dashboard.contract import BUCKETS, STAGES

RULES = ("spike", "drift", "change_point")
WEBHOOK_FORMATS = ("json", "slack", "teams")
RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
EMAIL_RE = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+$")
MAX_SPEC_BYTES = 64 * 1024
DEFAULT_SETTLE_SECONDS = 10.0
KEYS = (
    "name", "events", "mentions", "actors", "narratives", "targets", "event_types", "bucket", "params", "attention",
    "min_stage", "rules", "cooldown", "webhook", "email", "import", "quiet_hours", "rate_limit", "link",
    "settle_seconds",
)
IMPORT_KEYS = ("map", "date_format", "timezone", "actors", "wide", "tone_model")
TRUE, FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


class MonitorError(ValueError):
    """A monitor definition that cannot be used, with the key and the reason in words."""


@dataclass(frozen=True)
class Webhook:
    url: str
    format: str = "json"


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    sender: str
    host: str
    port: int = 587
    starttls: bool = True


@dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time
    timezone: str = "UTC"

    def contains(self, when: dt.datetime) -> bool:
        """Whether the instant `when` (aware, or naive UTC) falls in the quiet hours."""
        local = _local(when, self.timezone).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight

    def ends_after(self, when: dt.datetime) -> dt.datetime:
        """The first instant (naive UTC) at or after `when` outside the quiet hours."""
        from zoneinfo import ZoneInfo

        if not self.contains(when):
            return _naive_utc(when)
        local = _local(when, self.timezone)
        end = dt.datetime.combine(local.date(), self.end, tzinfo=ZoneInfo(self.timezone))
        if end <= local:
            end += dt.timedelta(days=1)
        return _naive_utc(end)


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: int

    def __str__(self) -> str:
        unit = next(u for u, s in RATE_UNITS.items() if s == self.seconds)
        return f"{self.count}/{unit}"


@dataclass(frozen=True)
class MonitorSpec:
    """A checked monitor. Paths are absolute (relative ones are read from the monitor file's folder)."""

    name: str
    events: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    narratives: tuple[str, ...] = ()  # as --narrative: a kept narrative's name, or NAME=KW,KW (monitor_narratives)
    targets: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    bucket: str = "day"
    params: tuple[tuple[str, float], ...] = ()
    attention: str | None = None
    min_stage: str | None = None
    rules: tuple[str, ...] = ()
    cooldown: int | None = None  # buckets below the rule that end an episode (default: the model's episode_end_buckets)
    webhook: Webhook | None = None
    email: Email | None = None
    import_options: tuple[tuple[str, object], ...] = ()  # (key, value) of `import`, checked
    quiet_hours: QuietHours | None = None
    rate_limit: RateLimit | None = None
    link: str = "http://localhost:8501"
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    source: str = field(default="", compare=False)  # the YAML text it was read from

    @property
    def rule_names(self) -> tuple[str, ...]:
        """Every rule of the monitor: `stage:<min_stage>` first, then the others."""
        return ((f"stage:{self.min_stage}",) if self.min_stage else ()) + self.rules

    def options(self):
        """The import options (dashboard.loading.options.ImportOptions), built as the CLI builds them."""
        from dashboard.loading.options import build_options

        opts = dict(self.import_options)
        try:
            return build_options(
                tuple(opts.get("map", ())), tuple(opts.get("date_format", ())), opts.get("timezone"),
                opts.get("actors"), bool(opts.get("wide", False)), opts.get("tone_model"),
            )
        except ValueError as exc:
            raise MonitorError(f"import: {exc}") from None

    def model_params(self):
        from dashboard.model.escalation import DEFAULT_PARAMS, with_params

        changes: dict[str, object] = dict(self.params)
        if self.attention:
            changes["attention"] = self.attention
        try:
            return with_params(DEFAULT_PARAMS, **changes)
        except (ValueError, TypeError) as exc:
            raise MonitorError(f"params: {exc}") from None

    @property
    def narrative_names(self) -> tuple[str, ...]:
        """The names of the monitor's narratives (an ad-hoc one's name before its `=`)."""
        return tuple(dict.fromkeys(" ".join(n.partition("=")[0].split()) for n in self.narratives))

    def selection(self, start=None, end=None, narratives=()):
        """The monitor's selection; `narratives`: its narratives as definitions (monitor_narratives)."""
        from dashboard.contract import Selection

        return Selection(actors=self.actors, targets=self.targets, start=start, end=end,
                         event_types=self.event_types, bucket=self.bucket, narratives=tuple(narratives))

    def to_json(self) -> str:
        """The checked definition as JSON (what the store keeps beside the YAML)."""
        data = asdict(self)
        data.pop("source")
        return json.dumps(data, default=str, sort_keys=True)


def _local(when: dt.datetime, zone: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    aware = when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(zone))


def _naive_utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo is not None else when


def _text_loader():
    import yaml

    class TextLoader(yaml.SafeLoader):
        pass

    TextLoader.yaml_implicit_resolvers = {}  # every scalar stays the text written (no YAML 1.1 booleans)
    return TextLoader


def read_yaml(text: str) -> dict:
    import yaml

    if len(text.encode("utf-8")) > MAX_SPEC_BYTES:
        raise MonitorError(f"the monitor file is larger than {MAX_SPEC_BYTES // 1024} KB")
    try:
        data = yaml.load(text, Loader=_text_loader())  # noqa: S506 - a SafeLoader whose scalars all stay text
    except yaml.YAMLError as exc:
        raise MonitorError(f"the monitor file is not valid YAML: {' '.join(str(exc).split())[:300]}") from None
    if not isinstance(data, dict):
        raise MonitorError("a monitor file is a mapping of keys (name:, mentions:, min_stage: …)")
    return data


def _scalar(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MonitorError(f"{key}: expected one value, got a {'list' if isinstance(value, list) else 'mapping'}")
    return value.strip()


def _names(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise MonitorError(f"{key}: each entry must be a name (text), not {item!r}")
        out.append(item.strip())
    return tuple(dict.fromkeys(out))


def _paths(data: dict, key: str, base: Path) -> tuple[str, ...]:
    return tuple(str(p if Path(p).is_absolute() else (base / p)) for p in (str(Path(s).expanduser()) for s in _names(data, key)))


def _boolean(value, key: str) -> bool:
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise MonitorError(f"{key}: expected true or false, not {str(value)[:40]!r}")


def _number(value, key: str, low: float, high: float, whole: bool = False) -> float:
    try:
        number = int(str(value)) if whole else float(str(value))
    except ValueError:
        raise MonitorError(f"{key}: {str(value)[:40]!r} is not {'a whole number' if whole else 'a number'}") from None
    if not low <= number <= high:
        raise MonitorError(f"{key}: {number:g} is outside {low:g}–{high:g}")
    return number


def _url(value: str, key: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MonitorError(f"{key}: {value[:80]!r} is not an http:// or https:// address")
    return value


def _webhook(value) -> Webhook | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return Webhook(_url(value.strip(), "webhook"))
    if not isinstance(value, dict):
        raise MonitorError("webhook: expected an address or {url: …, format: json|slack|teams}")
    unknown = sorted(set(value) - {"url", "format"})
    if unknown:
        raise MonitorError(f"webhook: unknown key {unknown[0]!r} (url, format)")
    url = value.get("url")
    if not isinstance(url, str) or not url.strip():
        raise MonitorError("webhook.url: the address to post to is missing")
    fmt = str(value.get("format") or "json").strip().lower()
    if fmt not in WEBHOOK_FORMATS:
        raise MonitorError(f"webhook.format: {fmt!r} is not one of {', '.join(WEBHOOK_FORMATS)}")
    return Webhook(_url(url.strip(), "webhook.url"), fmt)


def _email(value) -> Email | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise MonitorError("email: expected {to: …, from: …, smtp: host:port}")
    unknown = sorted(set(value) - {"to", "from", "smtp", "starttls"})
    if unknown:
        raise MonitorError(f"email: unknown key {unknown[0]!r} (to, from, smtp, starttls)")
    if "password" in str(value).lower():
        raise MonitorError("email: never put a password in a monitor file (BOILINGPOINT_SMTP_PASSWORD)")
    to = _names(value, "to")
    if not to:
        raise MonitorError("email.to: give at least one address")
    for address in to:
        if not EMAIL_RE.match(address):
            raise MonitorError(f"email.to: {address[:80]!r} is not an e-mail address")
    sender = _scalar(value, "from")
    if not sender or not EMAIL_RE.match(sender):
        raise MonitorError(f"email.from: {'missing' if not sender else repr(sender[:80]) + ' is not an e-mail address'}")
    smtp = _scalar(value, "smtp")
    if not smtp:
        raise MonitorError("email.smtp: the mail server is missing (host:port, e.g. smtp.example.org:587)")
    host, _, port_text = smtp.rpartition(":") if ":" in smtp else (smtp, "", "587")
    if not host or not re.match(r"^[A-Za-z0-9.\-\[\]:]+$", host):
        raise MonitorError(f"email.smtp: {smtp[:80]!r} is not host:port")
    port = int(_number(port_text, "email.smtp port", 1, 65535, whole=True))
    starttls = _boolean(value.get("starttls", "true"), "email.starttls")
    return Email(to, sender, host, port, starttls)


def _clock(value, key: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise MonitorError(f"{key}: {str(value)[:20]!r} is not a time of day (HH:MM)") from None


def _quiet(value) -> QuietHours | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        start, sep, end = value.partition("-")
        if not sep:
            raise MonitorError("quiet_hours: expected HH:MM-HH:MM or {from: HH:MM, to: HH:MM, timezone: …}")
        value = {"from": start, "to": end}
    if not isinstance(value, dict):
        raise MonitorError("quiet_hours: expected HH:MM-HH:MM or {from: HH:MM, to: HH:MM, timezone: …}")
    unknown = sorted(set(value) - {"from", "to", "timezone"})
    if unknown:
        raise MonitorError(f"quiet_hours: unknown key {unknown[0]!r} (from, to, timezone)")
    zone = str(value.get("timezone") or "UTC").strip()
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        raise MonitorError(f"quiet_hours.timezone: {zone[:60]!r} is not a time zone (e.g. Europe/Paris)") from None
    begin, finish = _clock(value.get("from"), "quiet_hours.from"), _clock(value.get("to"), "quiet_hours.to")
    if begin == finish:
        raise MonitorError("quiet_hours: from and to are the same time")
    return QuietHours(begin, finish, zone)


def _rate(value) -> RateLimit | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower().replace(" per ", "/")
    count, sep, unit = text.partition("/")
    unit = unit.strip().rstrip("s")
    if not sep or unit not in RATE_UNITS:
        raise MonitorError(f"rate_limit: {str(value)[:40]!r}: expected N/minute, N/hour or N/day, e.g. 5/hour")
    return RateLimit(int(_number(count.strip(), "rate_limit", 1, 100_000, whole=True)), RATE_UNITS[unit])


def _import(value, base: Path) -> tuple[tuple[str, object], ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, dict):
        raise MonitorError("import: expected a mapping of import options (map, date_format, timezone, actors, wide, tone_model)")
    unknown = sorted(set(value) - set(IMPORT_KEYS))
    if unknown:
        raise MonitorError(f"import: unknown key {unknown[0]!r} ({', '.join(IMPORT_KEYS)})")
    out: list[tuple[str, object]] = []
    for key in IMPORT_KEYS:
        if key not in value or value[key] in (None, ""):
            continue
        if key in ("map", "date_format"):
            out.append((key, _names(value, key)))
        elif key == "wide":
            out.append((key, _boolean(value[key], "import.wide")))
        elif key in ("actors", "tone_model"):
            path = Path(str(_scalar(value, key))).expanduser()
            out.append((key, str(path if path.is_absolute() else base / path)))
        else:
            out.append((key, _scalar(value, key)))
    return tuple(out)


def _narratives(data: dict) -> tuple[str, ...]:
    """`narratives:` — each entry as the CLI's --narrative: a kept narrative's name, or
    NAME=KEYWORD,KEYWORD defined here (checked now; a name is looked up when the data are read)."""
    from dashboard.text.narratives import MAX_NARRATIVES, NarrativeError, clean_name, parse_definition

    out: list[str] = []
    for entry in _names(data, "narratives"):
        try:
            if "=" in entry:
                parse_definition(entry)
            else:
                entry = clean_name(entry)
        except NarrativeError as exc:
            raise MonitorError(f"narratives: {entry[:60]!r}: {exc}") from None
        out.append(entry)
    names = [" ".join(e.partition("=")[0].split()) for e in out]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise MonitorError(f"narratives: {twice[:60]!r} is named twice")
    if len(out) > MAX_NARRATIVES:
        raise MonitorError(f"narratives: at most {MAX_NARRATIVES}, not {len(out)}")
    return tuple(out)


def monitor_narratives(spec: MonitorSpec, engine, dataset_keys=()) -> tuple:
    """The monitor's narratives as definitions (dashboard.contract.NarrativeFilter), for the data
    of `engine`. A name is looked up among the narratives kept in the store for any of
    `dataset_keys` (the content digests of the monitor's mentions files: what the dashboard
    keeps a file's narratives under); NAME=KW,KW is defined by its keywords. MonitorError when
    the data have no text, or a name is not kept for any of these files."""
    if not spec.narratives:
        return ()
    from dashboard.store.narratives import narratives_from_specs
    from dashboard.text.narratives import NarrativeError, check_engine

    try:
        check_engine(engine)
    except ValueError as exc:
        raise MonitorError(f"narratives: {exc}") from None
    names = [n for n in spec.narratives if "=" not in n]
    keys = [k for k in dict.fromkeys(dataset_keys) if k] or [""]
    store = None
    if names:
        from dashboard.store import open_store

        try:
            store = open_store(create=False)  # reading never creates a store
        except (OSError, ValueError) as exc:
            raise MonitorError(f"narratives: the store of kept narratives cannot be opened: {exc}") from None
    problem = ""
    for key in keys:  # the first mentions file that keeps every name
        try:
            return narratives_from_specs(spec.narratives, store, key)
        except NarrativeError as exc:
            problem = problem or str(exc)
    if len(keys) > 1:
        problem += f" (looked up among the narratives kept for each of the {len(keys)} mentions files)"
    raise MonitorError(f"narratives: {problem}")


def _params(value) -> tuple[tuple[str, float], ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, dict):
        raise MonitorError("params: expected a mapping NAME: VALUE (docs/model.md)")
    from dataclasses import fields

    from dashboard.model.escalation import DEFAULT_PARAMS

    known = {f.name: f.type for f in fields(DEFAULT_PARAMS) if f.name != "attention"}
    out = []
    for name, raw in value.items():
        if name not in known:
            raise MonitorError(f"params.{name}: not a model parameter ({', '.join(sorted(known))})")
        whole = known[name] in (int, "int")
        out.append((str(name), _number(raw, f"params.{name}", -1e12, 1e12, whole=whole)))
    return tuple(sorted(out))


def parse_monitor(text: str, base: Path | str = ".") -> MonitorSpec:
    """Check a monitor's YAML text; paths relative to `base`. MonitorError names the bad key."""
    data = read_yaml(text)
    base = Path(base).expanduser().resolve()
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise MonitorError(f"unknown key {str(unknown[0])[:40]!r}; a monitor has {', '.join(KEYS)}")
    name = _scalar(data, "name")
    if not name:
        raise MonitorError("name: every monitor needs a name")
    if not NAME_RE.match(name):
        raise MonitorError(f"name: {name[:80]!r}: letters, digits, '.', '_' and '-' only, at most 80")
    events, mentions = _paths(data, "events", base), _paths(data, "mentions", base)
    if not events and not mentions:
        raise MonitorError("events / mentions: name at least one file or glob to watch")
    bucket = _scalar(data, "bucket") or "day"
    if bucket not in BUCKETS:
        raise MonitorError(f"bucket: {bucket!r} is not one of {', '.join(BUCKETS)}")
    min_stage = _scalar(data, "min_stage")
    if min_stage is not None:
        min_stage = min_stage.replace("_", " ").replace("-", " ").lower()
        if min_stage not in STAGES:
            raise MonitorError(f"min_stage: {min_stage!r} is not one of {', '.join(STAGES)}")
    rules = tuple(r.lower().replace("-", "_").replace(" ", "_") for r in _names(data, "rules"))
    for rule in rules:
        if rule not in RULES:
            raise MonitorError(f"rules: {rule!r} is not one of {', '.join(RULES)}")
    if min_stage is None and not rules:
        raise MonitorError("min_stage / rules: say when to alert (min_stage: boiling, and/or rules: [spike, drift, change_point])")
    attention = _scalar(data, "attention")
    if attention is not None and attention not in ("raw", "share"):
        raise MonitorError(f"attention: {attention!r} is not raw or share")
    cooldown = data.get("cooldown")
    link = _scalar(data, "link")
    spec = MonitorSpec(
        name=name, events=events, mentions=mentions, actors=_names(data, "actors"), narratives=_narratives(data),
        targets=_names(data, "targets"),
        event_types=_names(data, "event_types"), bucket=bucket, params=_params(data.get("params")), attention=attention,
        min_stage=min_stage, rules=rules,
        cooldown=None if cooldown in (None, "") else int(_number(cooldown, "cooldown", 1, 1000, whole=True)),
        webhook=_webhook(data.get("webhook")), email=_email(data.get("email")), import_options=_import(data.get("import"), base),
        quiet_hours=_quiet(data.get("quiet_hours")), rate_limit=_rate(data.get("rate_limit")),
        link=_url(link, "link").rstrip("/") if link else "http://localhost:8501",
        settle_seconds=_number(data.get("settle_seconds", DEFAULT_SETTLE_SECONDS), "settle_seconds", 0, 86400),
        source=text,
    )
    spec.model_params()  # the parameters' ranges, checked now
    return spec


def load_monitor(path: Path | str) -> MonitorSpec:
    """Read and check a monitor file; MonitorError (naming the file) when it cannot be used."""
    p = Path(path).expanduser()
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise MonitorError(f"{p}: cannot read the monitor file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MonitorError(f"{p}: the monitor file is not UTF-8 text") from None
    try:
        return parse_monitor(text, p.parent)
    except MonitorError as exc:
        raise MonitorError(f"{p}: {exc}") from None

"""MAP templates: ``sheets_templates/<name>.yaml``, validated on load.

A template is a table of steps (title, side, owner role, category, lead time in
business days, dependencies, deliverable). :meth:`Template.to_plan` turns it into a
:class:`~service.domain.model.Plan` for one account and go-live date, assigning owners
as ``docs/engine.md`` describes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.domain.graph import MAX_LEAD_BD
from service.domain.model import Category, Kind, Milestone, Plan, Side
from service.domain.owners import format_owner

# Buyer steps the first buyer contact can own; the others go to a specialist the
# seller still has to get a name for (security, legal, procurement, finance, IT).
CONTACT_OWNED = frozenset(
    {Category.COMMERCIAL, Category.EXECUTIVE, Category.GO_LIVE, Category.OTHER}
)
NAME_NEEDED = "(name needed)"


class TemplateError(ValueError):
    """A template that does not exist or does not validate."""


def templates_dir() -> Path:
    """``sheets_templates/`` beside the ``service`` package.

    That is the root of a checkout (and of App Engine's uploaded source), and
    site-packages for an installed wheel, which ships the folder there (pyproject.toml).
    """
    return Path(__file__).resolve().parent.parent / "sheets_templates"


class TemplateMilestone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    title: str = Field(min_length=1, max_length=120)
    side: Side
    owner_role: str = Field(min_length=1, max_length=60)
    category: Category
    kind: Kind | None = None
    lead_bd: int = Field(ge=0, le=MAX_LEAD_BD)
    # None: the step right above it.
    depends_on: list[str] | None = None
    deliverable: str = Field(min_length=1, max_length=200)


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    milestones: list[TemplateMilestone] = Field(min_length=1)

    def to_plan(
        self,
        *,
        account: str,
        outcome: str,
        go_live: date,
        country: str = "US",
        buyers: Sequence[tuple[str, str]] = (),
        seller_owner: str = "",
        signature_date: date | None = None,
        created_on: date | None = None,
    ) -> Plan:
        """A plan for one deal: ids ``m1..mN`` in table order, owners assigned by side.

        Seller and joint steps: ``seller_owner``. Buyer steps: the first buyer contact
        (``Name <email>``) for commercial, executive, go-live and other steps; the role
        (``"Acme InfoSec lead (name needed)"``) for the rest, so the plan asks for a
        named person. ``signature_date`` pins the signature step.
        """
        ids = {m.key: f"m{n}" for n, m in enumerate(self.milestones, start=1)}
        contact = format_owner(*buyers[0]) if buyers else ""
        milestones = tuple(
            Milestone(
                id=ids[m.key],
                title=m.title,
                side=m.side,
                owner=_owner(m, account, contact, seller_owner.strip()),
                category=m.category,
                kind=m.kind,
                lead_bd=m.lead_bd,
                depends_on=None if m.depends_on is None else tuple(ids[k] for k in m.depends_on),
                due=signature_date if m.kind is Kind.SIGNATURE else None,
                deliverable=m.deliverable,
            )
            for m in self.milestones
        )
        known = [m.owner for m in milestones] + [format_owner(*b) for b in buyers]
        return Plan(
            account=account,
            outcome=outcome,
            go_live=go_live,
            country=country,
            created_on=created_on,
            known_owners=tuple(dict.fromkeys(o for o in known if o)),
            milestones=milestones,
        )


def list_templates(directory: Path | None = None) -> list[Template]:
    """Every template in ``directory`` (default: the shipped ones), sorted by name."""
    folder = directory or templates_dir()
    return [_load_file(path) for path in sorted(folder.glob("*.yaml"))]


def load_template(name: str, directory: Path | None = None) -> Template:
    """The template called ``name``; TemplateError naming the known ones if there is none."""
    folder = directory or templates_dir()
    path = folder / f"{name}.yaml"
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        known = ", ".join(p.stem for p in sorted(folder.glob("*.yaml"))) or "none"
        raise TemplateError(f"unknown template {name!r}; the templates are: {known}")
    return _load_file(path)


def _owner(m: TemplateMilestone, account: str, contact: str, seller_owner: str) -> str:
    if m.side is not Side.BUYER:
        return seller_owner
    if m.category in CONTACT_OWNED and contact:
        return contact
    return " ".join(part for part in (account.strip(), m.owner_role, NAME_NEEDED) if part)


def _load_file(path: Path) -> Template:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path.name}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise TemplateError(f"{path.name}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path.name}: a template must be a mapping with name and milestones")
    try:
        template = Template.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = "; ".join(f"{_json_path(e['loc'])}: {e['msg']}" for e in errors[:3])
        more = f"; and {len(errors) - 3} more" if len(errors) > 3 else ""
        raise TemplateError(f"{path.name}: {problems}{more}") from None
    if template.name != path.stem:
        raise TemplateError(f"{path.name}: name: {template.name!r} must match the file name")
    _check_steps(path.name, template)
    return template


def _check_steps(file_name: str, template: Template) -> None:
    seen: set[str] = set()
    go_live: str | None = None
    for i, m in enumerate(template.milestones):
        at = f"{file_name}: milestones[{i}]"
        if m.key in seen:
            raise TemplateError(f"{at}.key: duplicate key {m.key!r}")
        for ref in m.depends_on or ():
            if ref not in seen:
                raise TemplateError(f"{at}.depends_on: {ref!r} is not a step above this one")
        if m.kind is Kind.GO_LIVE:
            if go_live is not None:
                raise TemplateError(f"{at}.kind: {go_live!r} is already the go-live step")
            go_live = m.key
        seen.add(m.key)


def _json_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(template)"

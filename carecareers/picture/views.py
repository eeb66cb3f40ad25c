"""The picture's tables for the whole area and for each district, cut from protected grids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from carecareers.careers.records import CareersContent
from carecareers.catalogue import text
from carecareers.channels import label_of
from carecareers.forms.validation import AGE_BANDS
from carecareers.leads.form import age_label
from carecareers.models import Campaign
from carecareers.picture import demand as demand_figures
from carecareers.picture.conversion import STEPS, Conversion
from carecareers.picture.demand import Demand
from carecareers.picture.months import month_key, month_label
from carecareers.picture.pay import band_entry_hourly, legal_floor
from carecareers.picture.places import Places
from carecareers.picture.slices import Slice
from carecareers.picture.supply import Supply
from carecareers.picture.suppression import Figure, Protected, protect, protect_column
from carecareers.picture.tables import (
    Column,
    Row,
    Table,
    Value,
    column,
    count,
    of,
    pounds,
    ratio,
    share,
)
from carecareers.picture.themes import Themes

GENERAL_INTEREST_ORDER = ("any", "apprenticeships", "not_sure")


def protect_rows(rows: Sequence[Sequence[int]], width: int, row_totals: bool = True
                 ) -> Protected:
    """As suppression.protect, for a table that may have no rows."""
    if rows:
        return protect(rows, row_totals)
    return Protected((), None, tuple(Figure(0) for _ in range(width)), Figure(0))


def capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


class Builder:
    """Protects the counts of people once, then builds each view's tables from them."""

    def __init__(self, months: list[date], places: Places, careers: CareersContent,
                 demand: Demand, supply: Supply, conversion: Conversion, who: Slice,
                 themes: Themes, questions: list[list[int]] | None) -> None:
        self.months, self.places, self.careers = months, places, careers
        self.demand, self.supply, self.who = demand, supply, who
        self.measures = [m for m in ("leads", "alerts", "bookings", "arrivals")
                         if m != "alerts" or supply.alerts_included]
        # Leads go on from each place to its age bands: one chain, months -> places -> ages,
        # so that a place's leads are held back alike by month and by age.
        self.ages = [*AGE_BANDS, *([""] if any(
            band == "" and n for (_, band), n in supply.lead_ages.items()) else [])]
        by_age = [[supply.lead_ages.get((j, band), 0) for band in self.ages]
                  for j in range(len(places.columns))]
        self.grids = {m: protect(supply.by_place[m], onward=by_age if m == "leads" else None)
                      for m in self.measures}
        self.values_checks = protect_column(supply.values_checks)
        self._protect_kinds()
        self._protect_gap()
        self._protect_conversion(conversion)
        self.themes = themes
        self.questions = protect(questions) if questions is not None else None

    # -- protecting ---------------------------------------------------------------------

    def _protect_kinds(self) -> None:
        known = [r.code for r in self.careers.roles] + [p.code for p in self.careers.programmes]
        found = set(self.supply.lead_interests) | set(self.supply.alert_roles)
        self.interests = [c for c in [*known, *GENERAL_INTEREST_ORDER] if c in found] + sorted(
            found - set(known) - set(GENERAL_INTEREST_ORDER) - {""}) + (
            [""] if "" in found else [])
        self.interest_figures = protect_column(
            [self.supply.lead_interests.get(c, 0) for c in self.interests])
        self.alert_role_figures = protect_column(
            [self.supply.alert_roles.get(c, 0) for c in self.interests])

    def _protect_gap(self) -> None:
        open_now = demand_figures.now_by_role(self.demand, None)
        recent = self.supply.recent_interests
        self.gap_roles = [r.code for r in self.careers.roles
                          if open_now.get(r.code) and open_now[r.code].open
                          or any(recent.get((r.code, j)) for j in range(len(
                              self.places.columns)))]
        # Published: each role in each district, and each role's total for the area; never a
        # district's total over the roles (a person can want several), so the roles are the
        # lines: the table is protected on its side, a column per role.
        places = range(len(self.places.columns))
        self.gap = protect_rows([[recent.get((code, j), 0) for code in self.gap_roles]
                                 for j in places], len(self.gap_roles), row_totals=False)

    def gap_figure(self, role: int, place: int | None) -> Figure:
        """A role's people interested lately in one place, or in the whole area (None)."""
        if place is None:
            return self.gap.column_totals[role]
        return self.gap.cells[place][role]

    def _protect_conversion(self, conversion: Conversion) -> None:
        def order(campaign_id: int | None) -> tuple[int, str]:
            found = conversion.campaigns.get(campaign_id or 0)
            return (1, "") if found is None else (0, found.code)

        self.campaign_rows = sorted(conversion.by_campaign, key=order)
        self.campaign_labels = [self._campaign_label(conversion.campaigns.get(i or 0))
                                for i in self.campaign_rows]
        self.by_campaign = protect_rows([conversion.by_campaign[i] for i in self.campaign_rows],
                                        len(STEPS), row_totals=False)
        self.channel_rows = sorted(conversion.by_channel)
        self.by_channel = protect_rows([conversion.by_channel[c] for c in self.channel_rows],
                                       len(STEPS), row_totals=False)

    @staticmethod
    def _campaign_label(campaign: Campaign | None) -> str:
        if campaign is None:
            return text("dashboard.picture.no_campaign")
        if campaign.provider_id is None:
            return f"{campaign.name} ({campaign.code})"
        # A provider's own campaign may be named after a member of its staff: not shown.
        return text("dashboard.picture.provider_campaign", code=campaign.code,
                    kind=text(f"dashboard.campaigns.kinds.{campaign.kind}"))

    # -- labels ---------------------------------------------------------------------------

    def role_label(self, code: str) -> str:
        if not code:
            return text("dashboard.picture.role_unknown")
        role = self.careers.role(code)
        if role is not None:
            return capitalised(role.name)
        programme = self.careers.programme(code)
        if programme is not None:
            return programme.name
        if code in GENERAL_INTEREST_ORDER:
            return text(f"dashboard.picture.interests.{code}")
        return capitalised(code.replace("_", " "))

    # -- the views ------------------------------------------------------------------------

    def area_tables(self) -> tuple[Table, ...]:
        tables = [self.demand_by_month(None), self.demand_role_by_month(None),
                  self.demand_by_role(None),
                  self.demand_by_district(), self.pay_by_role(None),
                  self.supply_by_month(None), self.supply_by_place(),
                  self.supply_by_age(None), self.supply_by_place_age(), self.supply_by_role(),
                  self.gap_by_role(None),
                  self.conversion("conversion_by_campaign", self.by_campaign,
                                  self.campaign_labels),
                  self.conversion("conversion_by_channel", self.by_channel,
                                  [label_of(c) for c in self.channel_rows])]
        if self.questions is not None:
            tables.append(self.questions_by_month())
        return tuple(tables)

    def district_tables(self, district: str) -> tuple[Table, ...]:
        return (self.demand_by_month(district), self.demand_role_by_month(district),
                self.demand_by_role(district),
                self.pay_by_role(district), self.supply_by_month(district),
                self.supply_by_age(district), self.gap_by_role(district))

    def _month_rows(self, values: list[list[Value]]) -> tuple[Row, ...]:
        return tuple(Row(month_key(m), month_label(m), tuple(v))
                     for m, v in zip(self.months, values, strict=True))

    def demand_by_month(self, district: str | None) -> Table:
        found = demand_figures.by_month(self.demand, self.months, district)
        rows = [[count(m.open), count(m.new), count(m.closed), count(m.readvertised)]
                for m in found]
        total = Row("total", text("dashboard.picture.total"), (
            count(None), count(sum(m.new for m in found)),
            count(sum(m.closed for m in found)), count(sum(m.readvertised for m in found))))
        return Table("demand_by_month", tuple(column(c) for c in (
            "open", "new", "closed", "readvertised")), self._month_rows(rows), total)

    def demand_role_by_month(self, district: str | None) -> Table:
        """Open jobs of each role at the end of each month, and of every role together."""
        found = demand_figures.open_by_role(self.demand, self.months, district)
        every = demand_figures.by_month(self.demand, self.months, district)
        known = [r.code for r in self.careers.roles]
        codes = [c for c in known if c in found] + sorted(set(found) - set(known) - {""}) + (
            [""] if "" in found else [])
        columns = (*(Column(c or "role_unknown", self.role_label(c), False) for c in codes),
                   column("all_roles"))
        rows = [[*(count(found[c][i]) for c in codes), count(month.open)]
                for i, month in enumerate(every)]
        return Table("demand_role_by_month", columns, self._month_rows(rows))

    def _demand_row(self, key: str, label: str, open_: int, long_open: int, new: int,
                    readvertised: int) -> Row:
        values = [count(open_), count(long_open)]
        values.append(share(values[1], values[0]))
        values += [count(new), count(readvertised)]
        values.append(share(values[4], values[3]))
        return Row(key, label, tuple(values))

    def demand_by_role(self, district: str | None) -> Table:
        now = demand_figures.now_by_role(self.demand, district)
        year = demand_figures.year_by_role(self.demand, district)
        codes = [r.code for r in self.careers.roles]
        codes += sorted((set(now) | set(year)) - set(codes) - {""}) + [""]
        rows = [self._demand_row(c, self.role_label(c), now[c].open if c in now else 0,
                                 now[c].long_open if c in now else 0,
                                 year[c].new if c in year else 0,
                                 year[c].readvertised if c in year else 0)
                for c in codes if c in now or c in year]
        total = self._demand_row("total", text("dashboard.picture.total"),
                                 *(sum(r.values[i].number or 0 for r in rows)
                                   for i in (0, 1, 3, 4)))
        return Table("demand_by_role", tuple(column(c) for c in (
            "open", "long_open", "long_open_share", "new", "readvertised",
            "readvertised_share")), tuple(rows), total)

    def demand_by_district(self) -> Table:
        now = demand_figures.now_by_district(self.demand)
        rows = []
        for name in self.places.districts:
            year = demand_figures.year_by_role(self.demand, name)
            rows.append(self._demand_row(name, name, now[name].open if name in now else 0,
                                         now[name].long_open if name in now else 0,
                                         sum(s.new for s in year.values()),
                                         sum(s.readvertised for s in year.values())))
        total = self._demand_row("total", text("dashboard.picture.total"),
                                 *(sum(r.values[i].number or 0 for r in rows)
                                   for i in (0, 1, 3, 4)))
        return Table("demand_by_district", tuple(column(c) for c in (
            "open", "long_open", "long_open_share", "new", "readvertised",
            "readvertised_share")), tuple(rows), total)

    def pay_by_role(self, district: str | None) -> Table:
        now = demand_figures.now_by_role(self.demand, district)
        week = self.demand.latest_week
        floor = legal_floor(self.careers, week) if week else None
        rows = []
        for code in [r.code for r in self.careers.roles]:
            sums = now.get(code)
            if sums is None or not sums.pay_known:
                continue
            rows.append(Row(code, self.role_label(code), (
                count(sums.pay_known), pounds(sums.pay_total / sums.pay_known),
                pounds(floor),
                pounds(band_entry_hourly(self.careers, self.careers.role(code), week)
                       if week else None),
                count(sums.below_floor))))
        return Table("pay_by_role", tuple(column(c) for c in (
            "pay_known", "mean_pay", "legal_floor", "band_entry", "below_floor")), tuple(rows))

    def _columns(self, with_values: bool) -> tuple[Column, ...]:
        codes = [*self.measures, *(["values_checks"] if with_values else [])]
        return tuple(column(c, people=True) for c in codes)

    def supply_by_month(self, district: str | None) -> Table:
        j = None if district is None else self.places.districts.index(district)
        rows = []
        for i in range(len(self.months)):
            values = [of(g.row_totals[i] if j is None else g.cells[i][j])  # type: ignore[index]
                      for g in self.grids.values()]
            if j is None:
                values.append(of(self.values_checks[0][i]))
            rows.append(values)
        total = [of(g.total if j is None else g.column_totals[j]) for g in self.grids.values()]
        if j is None:
            total.append(of(self.values_checks[1]))
        return Table("supply_by_month", self._columns(j is None), self._month_rows(rows),
                     Row("total", text("dashboard.picture.total"), tuple(total)))

    def supply_by_place(self) -> Table:
        rows = tuple(Row(place, self.places.label(place), tuple(
            of(g.column_totals[j]) for g in self.grids.values()))
            for j, place in enumerate(self.places.columns))
        return Table("supply_by_place", self._columns(False), rows,
                     Row("total", text("dashboard.picture.total"),
                         tuple(of(g.total) for g in self.grids.values())))

    def _age_columns(self) -> tuple[Column, ...]:
        return tuple(Column(f"age_{band or 'not_given'}", age_label(band) if band else text(
            "dashboard.picture.not_given"), True) for band in self.ages)

    def supply_by_age(self, district: str | None) -> Table:
        """Leads by age band: the area's (every place's together) or one district's."""
        leads = self.grids["leads"]
        if district is None:
            figures, total = leads.onward_totals, leads.total
        else:
            j = self.places.districts.index(district)
            figures, total = leads.onward[j], leads.column_totals[j]
        rows = tuple(Row(c.code.removeprefix("age_"), c.label, (of(f),))
                     for c, f in zip(self._age_columns(), figures, strict=True))
        return Table("supply_by_age", (column("leads", people=True),), rows,
                     Row("total", text("dashboard.picture.total"), (of(total),)))

    def supply_by_place_age(self) -> Table:
        """The year's leads by where they live and age band, with each place's total."""
        leads = self.grids["leads"]
        columns = (*self._age_columns(), column("leads", people=True))
        rows = tuple(Row(place, self.places.label(place), (
            *(of(f) for f in leads.onward[j]), of(leads.column_totals[j])))
            for j, place in enumerate(self.places.columns))
        return Table("supply_by_place_age", columns, rows, Row(
            "total", text("dashboard.picture.total"),
            (*(of(f) for f in leads.onward_totals), of(leads.total))))

    def supply_by_role(self) -> Table:
        leads, _ = self.interest_figures
        alerts, _ = self.alert_role_figures
        columns = [column("interested", people=True)]
        if self.supply.alerts_included:
            columns.append(column("alerts", people=True))
        rows = tuple(Row(code or "none", self.role_label(code) if code else text(
            "dashboard.picture.no_role"), (of(lead), *((of(alert),) if len(columns) > 1
                                                     else ())))
            for code, lead, alert in zip(self.interests, leads, alerts, strict=True))
        return Table("supply_by_role", tuple(columns), rows)

    def gap_by_role(self, district: str | None) -> Table:
        now = demand_figures.now_by_role(self.demand, district)
        j = None if district is None else self.places.districts.index(district)
        rows = []
        for i, code in enumerate(self.gap_roles):
            open_ = count(now[code].open if code in now else 0)
            interested = of(self.gap_figure(i, j))
            rows.append(Row(code, self.role_label(code),
                            (open_, interested, ratio(open_, interested))))
        return Table("gap_by_role", (column("open"), column("recent_leads", people=True),
                                     column("open_per_person")), tuple(rows))

    def conversion(self, code: str, grid: Protected, labels: list[str]) -> Table:
        def values(figures: Sequence[Figure]) -> tuple[Value, ...]:
            talks, leads, contacted, started = (of(f) for f in figures)
            return (talks, leads, contacted, started, share(leads, talks),
                    share(contacted, leads), share(started, leads))

        columns = (*(column(step, people=True) for step in STEPS),
                   *(column(rate) for rate in ("lead_rate", "contact_rate", "start_rate")))
        rows = tuple(Row(label, label, values(figures))
                     for label, figures in zip(labels, grid.cells, strict=True))
        return Table(code, columns, rows,
                     Row("total", text("dashboard.picture.total"), values(grid.column_totals)))

    def questions_by_month(self) -> Table:
        grid = self.questions
        assert grid is not None and grid.row_totals is not None
        columns = (*(Column(c, text(f"dashboard.picture.themes.{c}"), True)
                     for c in self.themes.codes), column("all_themes", people=True))
        rows = [[*(of(f) for f in cells), of(total)]
                for cells, total in zip(grid.cells, grid.row_totals, strict=True)]
        return Table("questions_by_month", columns, self._month_rows(rows),
                     Row("total", text("dashboard.picture.total"), (
                         *(of(f) for f in grid.column_totals), of(grid.total))))

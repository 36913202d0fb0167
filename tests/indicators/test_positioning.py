"""Rank rules of the positioning among peers: printed ties, n.c. and secret peers, quartiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core import territories
from analysis.indicators.positioning import PeerGroup, peer_groups, position, ranking

IND = "connectivite.acces_internet"


def table(values: dict[str, tuple[float, str]], unit: str = "%") -> pd.DataFrame:
    """An indicator table: territory id -> (value, statut)."""
    return pd.DataFrame([{"territoire": t, "indicateur": IND, "type": "ensemble", "unite": unit,
                          "valeur": v if s == "ok" else np.nan, "statut": s}
                         for t, (v, s) in values.items()])


def group_of(*codes: str) -> PeerGroup:
    return PeerGroup("test", tuple(territories.parse_territory(f"departement:{c}") for c in codes))


def dep(code: str) -> territories.Territory:
    return territories.parse_territory(f"departement:{code}")


def test_competition_ranks_with_ties():
    group = group_of("09", "11", "12", "30")
    results = table({"departement:09": (90, "ok"), "departement:11": (80, "ok"),
                     "departement:12": (80, "ok"), "departement:30": (70, "ok")})
    ranks = ranking(results, IND, "ensemble", group).set_index("code")["rang"]
    assert ranks.to_dict() == {"09": 1, "11": 2, "12": 2, "30": 4}
    p = position(results, dep("12"), IND, "ensemble", group)
    assert (p.rank, p.tied_with, p.ranked, p.peers) == (2, 1, 4, 4)


def test_ties_are_decided_on_printed_values():
    group = group_of("09", "11", "12")
    results = table({"departement:09": (80.4, "ok"), "departement:11": (79.6, "ok"),
                     "departement:12": (79.4, "ok")})
    p = position(results, dep("11"), IND, "ensemble", group)
    assert p.rank == 1 and p.tied_with == 1                 # 80,4 and 79,6 both print "80 %"
    assert position(results, dep("12"), IND, "ensemble", group).rank == 3
    ratios = table({"departement:09": (4.56, "ok"), "departement:11": (4.54, "ok"),
                    "departement:12": (4.549, "ok")}, unit="ratio")
    assert position(ratios, dep("11"), IND, "ensemble", group).rank == 2       # "4,5" after "4,6"
    assert position(ratios, dep("11"), IND, "ensemble", group).tied_with == 1  # 4,549 prints "4,5"


def test_unpublished_peers_are_counted_not_ranked_and_never_dropped():
    group = group_of("09", "11", "12", "30", "31")
    results = table({"departement:09": (90, "ok"), "departement:11": (0, "nc"),
                     "departement:12": (0, "secret"), "departement:30": (60, "ok")})  # 31: no row
    frame = ranking(results, IND, "ensemble", group)
    assert list(frame["code"]) == ["09", "30", "11", "12", "31"]       # unranked last, all kept
    assert frame["rang"].isna().sum() == 3
    p = position(results, dep("30"), IND, "ensemble", group)
    assert (p.rank, p.ranked, p.peers) == (2, 2, 5)
    assert p.unranked == {"nc": 1, "secret": 1, "absent": 1}
    secret = position(results, dep("12"), IND, "ensemble", group)
    assert secret.rank is None and secret.quartile is None and secret.statut == "secret"


@pytest.mark.parametrize(("rank", "quartile"), [(1, 1), (26, 1), (27, 2), (51, 2), (52, 3), (76, 3), (77, 4),
                                                (101, 4)])
def test_quartiles_of_101_ranked_peers(rank, quartile):
    group = PeerGroup("départements de France", tuple(territories.list_territories("departement")))
    values = {m.id: (200 - i, "ok") for i, m in enumerate(group.members)}
    member = group.members[rank - 1]
    assert position(table(values), member, IND, "ensemble", group).quartile == quartile


def test_peer_groups_by_level():
    groups = peer_groups(dep("31"))
    assert [g.label for g in groups] == ["départements de France",
                                         "départements de la région académique Occitanie"]
    assert [len(g.members) for g in groups] == [101, 13]
    assert len(peer_groups(territories.parse_territory("academie:toulouse"))[0].members) == 30
    assert len(peer_groups(territories.parse_territory("academie:normandie", "2020"))[0].members) == 30
    assert len(peer_groups(territories.parse_territory("region:76"))[0].members) == 17
    assert peer_groups(territories.france()) == []
    with pytest.raises(ValueError, match="not a member"):
        position(table({}), dep("75"), IND, "ensemble", groups[1])


def test_an_indicator_declared_ascending_ranks_its_lowest_value_first():
    group = group_of("09", "11", "12", "30")
    ratios = table({"departement:09": (4.0, "ok"), "departement:11": (6.2, "ok"),
                    "departement:12": (4.04, "ok"), "departement:30": (0, "nc")}, unit="ratio")
    ratios["indicateur"] = "equipement.eleves_par_terminal"      # rank_order: ascending
    frame = ranking(ratios, "equipement.eleves_par_terminal", "ensemble", group).set_index("code")
    assert frame["rang"].dropna().to_dict() == {"09": 1, "12": 1, "11": 3}  # 4,0 and 4,0 tied
    assert frame["rang"].isna()["30"]
    assert list(frame.index) == ["09", "12", "11", "30"]
    p = position(ratios, dep("11"), "equipement.eleves_par_terminal", "ensemble", group)
    assert (p.rank, p.ranked, p.unranked) == (3, 3, {"nc": 1})


def test_fewer_than_four_ranked_peers_have_no_quarters():
    group = group_of("09", "11", "12")
    results = table({"departement:09": (90, "ok"), "departement:11": (80, "ok"), "departement:12": (0, "nc")})
    p = position(results, dep("11"), IND, "ensemble", group)
    assert (p.rank, p.ranked, p.quartile) == (2, 2, None)          # "2e sur 2", in no quarter
    four = group_of("09", "11", "12", "30")
    results = table({"departement:09": (90, "ok"), "departement:11": (80, "ok"), "departement:12": (70, "ok"),
                     "departement:30": (60, "ok")})
    assert [position(results, dep(c), IND, "ensemble", four).quartile for c in ("09", "11", "12", "30")] == [1, 2, 3, 4]

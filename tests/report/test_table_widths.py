"""The column widths of a Markdown table: every word of the body whole, the rest of a line to the
columns that would wrap (the key figures of Haute-Garonne once squeezed « Annuaire / de /
l'Éducation… » over four lines)."""

from __future__ import annotations

from analysis.report.table_widths import LINE_CHARS, PADDING, column_widths, shown

NB = "\u00a0"
HEADERS = ["Thème", "Indicateur", "Établissements", "Haute-Garonne (31)", "Académie de Toulouse",
           "Région académique Occitanie", "n.c.", "Source"]
ROWS = [["Périmètre", "Nombre d'écoles, collèges et lycées", "écoles, collèges et lycées", "1\u202f069", "3\u202f069",
         "5\u202f543", "", "Annuaire de l'Éducation nationale 2018"],
        ["Connectivité", "Accès à internet", "collèges et lycées publics", f"100{NB}%", f"100{NB}%", f"100{NB}%",
         f"12{NB}% / 15{NB}% / 26{NB}%", "ETIC 2018"],
        ["Expérimentations", "Lycées engagés dans l'expérimentation ProFan", "lycées", "n.d.", "n.d.", "n.d.", "",
         "Banque des Territoires, MENJ 2018"]]
NUMERIC = [False, False, False, True, True, True, True, False]


def test_key_figures_keep_every_word_whole_and_give_the_source_its_room():
    widths = column_widths(HEADERS, [list(col) for col in zip(*ROWS)], NUMERIC)
    for width, col in zip(widths, zip(*ROWS)):
        assert width >= max(len(word) for cell in col for word in cell.split(" ")) + PADDING
    assert sum(widths) <= LINE_CHARS + len(widths)                  # the line is shared, not exceeded
    source, territory = widths[-1], widths[3]
    assert source >= len("Annuaire de") + PADDING                   # never « Annuaire / de / l'Éducation »
    assert source > territory > len(f"100{NB}%") + PADDING          # a header of several words wraps


def test_a_narrow_table_is_as_wide_as_its_cells_and_a_link_takes_no_room():
    widths = column_widths(["Source", "Part"], [["[ETIC](<https://example.org/a/long/path>)"], [f"97{NB}%"]],
                           [False, True])
    # its bold header (« Source »: 6 × 1.2 → 8), not the link's address; « Part » (5) over « 97 % » (4)
    assert widths == [8 + PADDING, 5 + PADDING]
    assert shown("[ETIC](<https://example.org/x>) \\| y") == "ETIC | y"

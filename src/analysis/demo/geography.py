"""Approximate départemental geography for the synthetic demo dataset.

One row per département (the 101 of the COG; no COM: see DEMO.md). Every figure is an
*approximation written by hand* for the demo, not official data:

- ``pop``: population in thousands (order of magnitude of the 2018 census), used as the weight
  that spreads écoles, collèges and lycées over the départements;
- ``centres``: one or more ``lat lon radius`` blobs (degrees) inside the département; points are
  drawn around a blob centre and kept within its radius, so they stay inside the département;
- ``typo``: commune typology of the ADF atlas used by the report's maps:
  ``M`` métropoles, ``G`` grandes villes, ``V`` villes moyennes, ``R`` petites villes et rural,
  ``D`` DROM;
- ``rep``: relative intensity of éducation prioritaire (0 = almost none; Mayotte, Seine-Saint-Denis,
  Guyane highest);
- ``priv``: relative weight of the private sector (west of France, Nord, Paris, Massif central
  higher; Creuse, Corsica, DROM lower);
- ``thd``: target share of establishments with a potential THD (>= 30 Mbit/s) connection in 2018.
  22 départements are at 0.90 or more, as in the report; every one is at 0.65 or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# code pop  typo rep  priv thd   centres (lat lon radius[; lat lon radius])
_TABLE = """
01    643  M  0.8  1.4  0.84  46.10 5.35 0.17
02    534  V  2.0  0.7  0.78  49.55 3.55 0.22
03    337  V  1.0  0.7  0.74  46.38 3.20 0.22
04    163  R  0.4  0.6  0.70  44.10 6.20 0.22
05    141  R  0.3  0.5  0.72  44.62 6.25 0.11
06   1083  M  1.5  1.0  0.93  43.85 7.15 0.14
07    326  R  0.6  2.2  0.71  44.75 4.45 0.20
08    273  V  2.0  0.6  0.76  49.62 4.62 0.20
09    153  R  0.5  0.6  0.68  42.95 1.50 0.18
10    310  V  1.5  0.8  0.79  48.30 4.15 0.22
11    370  V  1.5  0.7  0.72  43.10 2.40 0.22
12    279  R  0.4  2.4  0.70  44.30 2.65 0.28
13   2024  M  3.0  1.0  0.88  43.40 5.45 0.08; 43.68 4.75 0.07
14    694  G  1.0  1.1  0.85  49.08 -0.35 0.20
15    145  R  0.2  1.5  0.67  45.05 2.65 0.12
16    352  V  1.0  0.7  0.75  45.70 0.20 0.22
17    644  G  1.0  0.9  0.80  45.80 -0.65 0.14
18    304  V  1.0  0.5  0.75  47.05 2.50 0.28
19    241  R  0.4  0.6  0.72  45.35 1.85 0.22
2A    157  V  0.6  0.4  0.70  41.90 8.95 0.11
2B    177  V  0.6  0.4  0.70  42.35 9.25 0.14
21    533  M  1.0  0.9  0.83  47.40 4.75 0.28
22    598  R  0.5  3.3  0.86  48.40 -2.85 0.14
23    118  R  0.2  0.3  0.69  46.10 2.00 0.22
24    413  V  0.6  0.6  0.72  45.10 0.75 0.30
25    539  G  1.5  1.1  0.84  47.15 6.30 0.20
26    511  V  1.5  1.0  0.78  44.70 5.15 0.22
27    601  V  1.5  0.7  0.80  49.10 1.00 0.15
28    433  V  1.5  0.7  0.79  48.35 1.35 0.22
29    909  R  0.6  3.6  0.95  48.45 -4.15 0.09; 48.05 -3.90 0.08
30    744  G  2.0  0.9  0.81  43.95 4.20 0.19
31   1362  M  1.5  1.0  0.88  43.40 1.20 0.12
32    191  R  0.3  0.9  0.92  43.70 0.45 0.22
33   1584  M  1.5  1.0  0.86  44.85 -0.55 0.25
34   1144  M  2.0  1.0  0.87  43.60 3.45 0.18
35   1060  M  1.0  3.2  0.93  48.15 -1.65 0.22
36    222  V  0.6  0.5  0.73  46.80 1.60 0.25
37    606  M  1.0  1.0  0.84  47.25 0.70 0.25
38   1258  M  1.5  1.0  0.86  45.25 5.55 0.16
39    260  R  0.4  0.9  0.74  46.75 5.70 0.18
40    407  R  0.5  0.8  0.77  43.95 -0.75 0.28
41    331  V  1.0  0.8  0.77  47.60 1.40 0.18
42    762  M  2.0  2.3  0.82  45.75 4.15 0.14
43    227  R  0.3  2.8  0.72  45.10 3.80 0.20
44   1394  M  1.5  3.0  0.94  47.35 -1.70 0.20
45    678  M  1.5  0.8  0.91  47.90 2.30 0.22
46    174  R  0.3  0.6  0.70  44.62 1.60 0.20
47    332  V  1.2  0.7  0.74  44.35 0.45 0.22
48     76  R  0.2  2.6  0.67  44.52 3.50 0.20
49    813  G  1.0  3.4  0.89  47.40 -0.55 0.25
50    496  R  0.6  1.4  0.83  49.05 -1.30 0.16
51    568  G  1.5  0.9  0.82  48.95 4.25 0.22
52    175  R  0.6  0.6  0.71  48.10 5.20 0.22
53    307  R  0.4  3.4  0.96  48.15 -0.65 0.18
54    733  M  1.5  0.9  0.85  48.75 6.15 0.12
55    187  R  0.5  0.5  0.73  48.95 5.40 0.22
56    750  R  0.6  3.6  0.95  47.85 -2.85 0.18
57   1044  M  2.0  0.7  0.84  49.05 6.70 0.11
58    207  V  1.0  0.5  0.71  47.10 3.55 0.25
59   2604  M  3.0  2.0  0.88  50.40 3.30 0.1
60    824  V  2.0  0.8  0.82  49.40 2.45 0.22
61    283  R  0.5  1.0  0.92  48.60 0.10 0.14
62   1468  V  2.5  1.4  0.84  50.50 2.30 0.17
63    653  M  1.0  1.2  0.79  45.70 3.15 0.25
64    677  G  0.8  2.0  0.80  43.25 -0.75 0.22
65    228  R  0.6  0.8  0.72  43.05 0.15 0.18
66    474  G  2.0  0.8  0.76  42.62 2.55 0.15
67   1125  M  2.0  0.8  0.93  48.65 7.55 0.16
68    764  G  2.0  0.8  0.86  47.85 7.25 0.15
69   1843  M  2.5  1.6  0.94  45.85 4.65 0.1
70    236  R  0.6  0.6  0.72  47.65 6.10 0.22
71    553  R  1.0  0.9  0.92  46.65 4.55 0.25
72    566  G  1.2  1.3  0.81  48.00 0.20 0.22
73    431  G  0.8  1.0  0.78  45.45 6.40 0.16
74    807  G  0.8  1.5  0.84  46.05 6.40 0.15
75   2187  M  2.0  2.5  0.99  48.858 2.345 0.030
76   1254  M  2.0  0.9  0.87  49.65 1.00 0.22
77   1403  M  1.5  0.8  0.89  48.60 2.95 0.25
78   1438  M  1.5  1.0  0.93  48.80 1.85 0.14
79    374  R  0.4  1.6  0.97  46.55 -0.30 0.17
80    572  G  2.0  0.7  0.81  49.95 2.30 0.16
81    387  V  0.8  1.0  0.76  43.80 2.15 0.22
82    258  V  1.0  0.7  0.74  44.05 1.30 0.16
83   1058  M  1.5  1.0  0.87  43.45 6.20 0.22
84    559  G  2.5  0.9  0.82  44.00 5.15 0.15
85    675  R  0.4  3.8  0.96  46.65 -1.30 0.25
86    436  G  1.0  0.9  0.79  46.55 0.45 0.25
87    374  G  1.0  0.6  0.78  45.90 1.25 0.17
88    367  R  0.8  0.7  0.92  48.20 6.40 0.20
89    338  V  1.0  0.6  0.75  47.85 3.55 0.25
90    142  V  1.5  0.7  0.86  47.63 6.88 0.050
91   1287  M  2.0  0.8  0.92  48.52 2.25 0.12
92   1609  M  1.0  1.2  0.98  48.895 2.205 0.013; 48.780 2.270 0.017
93   1623  M  4.0  0.4  0.95  48.910 2.480 0.035
94   1387  M  2.5  0.7  0.97  48.780 2.470 0.035
95   1228  M  3.0  0.7  0.91  49.03 2.25 0.05; 49.12 1.95 0.05
971   390  D  3.0  0.5  0.70  16.27 -61.45 0.06; 16.10 -61.67 0.05
972   365  D  3.0  0.5  0.72  14.72 -61.08 0.04; 14.55 -60.92 0.04
973   281  D  4.0  0.4  0.66  4.85 -52.50 0.15
974   855  D  3.0  0.5  0.76  -21.13 55.53 0.12
976   270  D  6.0  0.2  0.67  -12.80 45.15 0.035
"""

DROM = ("971", "972", "973", "974", "976")
ILE_DE_FRANCE = ("75", "77", "78", "91", "92", "93", "94", "95")


@dataclass(frozen=True)
class Geography:
    """The département table as aligned numpy arrays (index = position in ``codes``)."""

    codes: np.ndarray        # COG codes, str
    pop: np.ndarray          # thousands
    typo: np.ndarray         # M/G/V/R/D
    rep: np.ndarray          # relative éducation prioritaire intensity
    priv: np.ndarray         # relative private-sector weight
    thd: np.ndarray          # 2018 THD share target
    centres: tuple[tuple[tuple[float, float, float], ...], ...]

    def __len__(self) -> int:
        return len(self.codes)

    def index(self, code: str) -> int:
        return int(np.flatnonzero(self.codes == code)[0])


@lru_cache(maxsize=1)
def geography() -> Geography:
    codes, pop, typo, rep, priv, thd, centres = [], [], [], [], [], [], []
    for line in _TABLE.strip().splitlines():
        fields = line.split()
        codes.append(fields[0])
        pop.append(float(fields[1]))
        typo.append(fields[2])
        rep.append(float(fields[3]))
        priv.append(float(fields[4]))
        thd.append(float(fields[5]))
        blobs_text = " ".join(fields[6:])
        blobs = []
        for blob in blobs_text.split(";"):
            lat, lon, radius = (float(x) for x in blob.split())
            blobs.append((lat, lon, radius))
        centres.append(tuple(blobs))
    return Geography(
        codes=np.array(codes), pop=np.array(pop), typo=np.array(typo), rep=np.array(rep),
        priv=np.array(priv), thd=np.array(thd), centres=tuple(centres),
    )

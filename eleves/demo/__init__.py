"""Synthetic SIECLE exports (invented names and numbers) for the demo school and the tests.

``sample-a`` and ``sample-a-legacy``: the Collège Victor Hugo (0699990J) in both layouts;
``lycee-jean-moulin``: a few pupils of the Lycée Jean Moulin (0699991K) with the oddities of real
exports (a leaver, a pupil without division, national and overseas numbers, a malformed one, Œ, N'…).
"""

from pathlib import Path

SIECLE_DIR = Path(__file__).parent / "siecle"


def demo_export_files(name: str) -> list[tuple[str, bytes]]:
    """The files of one demo export, as an upload gives them: (file name, bytes)."""
    return [(path.name, path.read_bytes()) for path in sorted((SIECLE_DIR / name).glob("*.xml"))]

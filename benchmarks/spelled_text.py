"""Text as the hearing stage spells it (lower case; letters, digits, apostrophes; one space between words) and the
edit distance between two such strings: shared by benchmarks/teacher_separation.py and benchmarks/sphinx_transcripts.py."""


def spelled(text):
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c in "' ").split())


def edit_distance(a, b):
    """Levenshtein distance: substitutions, insertions and deletions."""
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(b) + 1):
            up = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]))
            diagonal = up
    return row[-1]

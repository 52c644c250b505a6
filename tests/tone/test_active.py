"""Which texts to label first: uncertainty by VADER or by a model, and the queue's moves."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.tone.active import guesses, labelling_order, next_unlabelled, uncertainty
from dashboard.tone.vader import vader_tone


def test_vader_uncertainty_is_highest_at_its_thresholds():
    texts = ["I love this, wonderful!", "The flight is at noon", "This is terrible, awful, I hate it", "ok"]
    u = uncertainty(texts)
    compound = vader_tone(texts)
    assert np.all((0 <= u) & (u <= 1))
    # the most certain is the text whose compound lies farthest from ±0.05
    far = np.argmax(np.minimum(np.abs(compound - 0.05), np.abs(compound + 0.05)))
    assert np.argmin(u) == far


class TwoWay:
    """A stand-in reader with fixed probabilities (negative, neutral, positive)."""

    classes = ("negative", "neutral", "positive")

    def __init__(self, table):
        self.table = table

    def probabilities(self, texts):
        return np.asarray([self.table[t] for t in texts], dtype=float)

    def score(self, texts):
        p = self.probabilities(texts)
        return p[:, 2] - p[:, 0]


@pytest.mark.parametrize(
    "table, expected",
    [
        ({"a": [0.9, 0.05, 0.05], "b": [0.4, 0.2, 0.4], "c": [0.5, 0.3, 0.2]}, ["b", "c", "a"]),
        ({"a": [0.34, 0.33, 0.33], "b": [0.34, 0.33, 0.33], "c": [1.0, 0.0, 0.0]}, ["a", "b", "c"]),  # ties: file order
    ],
)
def test_a_models_order_is_by_the_margin_of_its_two_best_classes(table, expected):
    texts = list(table)
    assert [texts[i] for i in labelling_order(texts, TwoWay(table))] == expected
    assert uncertainty(["b"], TwoWay(table))[0] == pytest.approx(1 - (sorted(table["b"])[-1] - sorted(table["b"])[-2]))


def test_guesses_name_the_likeliest_class_and_the_tone():
    reader = TwoWay({"a": [0.7, 0.2, 0.1], "b": [0.1, 0.2, 0.7]})
    assert guesses(["a", "b"], reader) == [("negative", pytest.approx(-0.6)), ("positive", pytest.approx(0.6))]
    assert guesses(["I love it!"])[0][0] == "positive"
    assert guesses([]) == [] and len(uncertainty([])) == 0 and labelling_order([]) == []


@pytest.mark.parametrize(
    "start, expected",
    [(0, 1), (1, 1), (2, 3), (3, 3), (4, 5), (9, 5), (-3, 1)],
)
def test_next_unlabelled_skips_labelled_texts(start, expected):
    queue = ["a", "b", "c", "d", "e"]
    assert next_unlabelled(queue, {"a": "negative", "c": "positive", "e": "neutral"}, start) == expected


@pytest.mark.parametrize(
    "values, limit, expected",
    [
        (["a", "b", "a", "", "  ", None, 3, "c"], 10, (["a", "b", "c"], 3)),
        (["a", "b", "c", "a"], 2, (["a", "b"], 3)),
        (["x\0y", "ok"], 5, (["ok"], 1)),  # a NUL cannot be kept in the store: not offered
    ],
)
def test_distinct_texts_keep_order_and_count_all(values, limit, expected):
    from dashboard.tone.labels import distinct_texts

    assert distinct_texts(values, limit) == expected


@pytest.mark.parametrize(
    "name, data",
    [
        ("t.csv", b"text,n\nhello,1\n\"two, lines\nhere\",2\n"),
        ("t.tsv", b"text\tn\nhello\t1\n"),
        ("t.jsonl", b'{"text": "hello", "n": 1}\n'),
        ("t.json", b'[{"text": "hello", "n": 1}]'),
    ],
)
def test_read_table_reads_each_format(name, data):
    from dashboard.tone.labels import read_table

    frame = read_table(data, name)
    assert frame["text"].tolist()[0] == "hello"


@pytest.mark.parametrize("name, data", [("t.parquet", b"not parquet"), ("t.json", b"[1, 2"), ("t.csv", b"\xff\xfe\x00bad")])
def test_read_table_refuses_what_it_cannot_read(name, data):
    from dashboard.tone.labels import read_table

    with pytest.raises(ValueError, match="cannot read the file"):
        read_table(data, name)

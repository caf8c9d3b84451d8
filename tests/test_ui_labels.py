"""Labelling from the page in a real browser (headless Chromium, Selenium, a real uvicorn): the label buttons
and keys of the text view, the Label view's proposals, and the message when labelling is off (issue 17)."""

from __future__ import annotations

import json
import os

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_ui_browser import WAIT, _open, _paste, browser  # noqa: F401 (fixture; skips without Chromium)

TEXT = "China condemned Russia over the strikes. Japan praised India for the loan."
ARTICLES = {"a1": "France thanked Germany for the loan. Iran accused Israel of sabotage.",
            "a2": "Pakistan denounced India over the strikes. Peru mentioned Spain in a speech."}


@pytest.fixture(scope="module")
def labelling(model_path, tmp_path_factory, uvicorn_server):
    tmp = tmp_path_factory.mktemp("ui-labels")
    news = tmp / "news"
    news.mkdir()
    for doc_id, body in ARTICLES.items():
        (news / f"{doc_id}.txt").write_text(f"Title {doc_id}\n{body}\n", encoding="utf-8")
    out = tmp / "labels.jsonl"
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": str(model_path), "GEOSTANCE_ANNOTATION_FILE": str(out),
           "GEOSTANCE_LABEL_ARTICLES": str(news)}
    env.pop("GEOSTANCE_TABLE_PATH", None)
    with uvicorn_server(env, tmp / "uvicorn.log") as running:
        yield running.base, out


def rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _key(driver, key):
    driver.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur();"
                          "document.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], bubbles: true}));",
                          key)


def _left(driver, n):
    where = f"{n} proposal{'' if n == 1 else 's'} left"
    # the card is drawn anew after each answer: read its text in the page, so a replaced node cannot go stale
    WebDriverWait(driver, WAIT).until(lambda d: where in d.execute_script(
        "const n = document.querySelector('.label-where'); return n ? n.textContent : '';"))


def test_an_evidence_sentence_is_labelled_with_a_click_and_a_key(browser, labelling):  # noqa: F811
    base, out = labelling
    _open(browser, base)
    _paste(browser, TEXT)
    browser.find_element(By.ID, "submit").click()
    row = WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#dyads tr[data-pair='CHN-RUS']")))
    row.find_element(By.CSS_SELECTOR, "button.pair-btn").click()
    bar = WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#detail .evi[data-sentence='0'] .label-bar")))
    bar.find_element(By.CSS_SELECTOR, "button[data-label='oppose']").click()
    note = bar.find_element(By.CSS_SELECTOR, ".label-note")
    WebDriverWait(browser, WAIT).until(lambda d: "saved" in note.text)
    assert note.text == "oppose saved to labels.jsonl"
    _key(browser, "n")  # a key labels the (first) evidence sentence of the selected dyad: a correction
    WebDriverWait(browser, WAIT).until(lambda d: "replaces" in note.text)
    assert note.text == "neutral saved to labels.jsonl (replaces the earlier label)"
    if os.environ.get("GEOSTANCE_LABEL_SCREENSHOT"):
        browser.save_screenshot(os.environ["GEOSTANCE_LABEL_SCREENSHOT"].replace(".png", "-text.png"))
    [label] = rows(out)
    assert (label["source"], label["target"], label["sentence"], label["label"]) == ("CHN", "RUS", 0, "neutral")
    assert label["doc_id"].startswith("text-")
    kept = rows(out.parent / "labels_texts" / "texts.jsonl")
    assert [k["id"] for k in kept] == [label["doc_id"]] and kept[0]["text"] == TEXT


def test_the_label_view_walks_the_proposals_by_key(browser, labelling, tmp_path):  # noqa: F811
    base, out = labelling
    before = len(rows(out)) if out.exists() else 0
    _open(browser, base)
    browser.find_element(By.ID, "tab-label").click()
    sentence = WebDriverWait(browser, WAIT).until(EC.visibility_of_element_located((By.ID, "label-sentence")))
    first = sentence.text
    assert first in " ".join(ARTICLES.values())
    assert len(browser.find_elements(By.CSS_SELECTOR, "#label-sentence mark.lbl-src")) == 1
    assert "4 proposals left" in browser.find_element(By.CSS_SELECTOR, ".label-where").text
    guess = browser.find_element(By.CSS_SELECTOR, ".label-guess")
    assert guess.find_element(By.CSS_SELECTOR, ".badge").text in ("support", "oppose", "neutral")
    assert "%" in guess.find_element(By.CSS_SELECTOR, ".pct").text
    _key(browser, "?")
    guide = browser.find_element(By.ID, "label-guide")
    WebDriverWait(browser, WAIT).until(lambda d: guide.get_attribute("open") is not None)
    assert "What the labels mean" in browser.find_element(By.ID, "label-guide-text").text
    path = tmp_path / "label.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
    if os.environ.get("GEOSTANCE_LABEL_SCREENSHOT"):
        import shutil

        shutil.copy(path, os.environ["GEOSTANCE_LABEL_SCREENSHOT"])
    _key(browser, "s")
    message = browser.find_element(By.ID, "label-message")
    WebDriverWait(browser, WAIT).until(lambda d: message.text.startswith("Saved: support."))
    _left(browser, 3)
    assert len(rows(out)) == before + 1 and rows(out)[-1]["label"] == "support"
    _key(browser, "k")
    WebDriverWait(browser, WAIT).until(lambda d: message.text.startswith("Skipped."))
    _left(browser, 2)
    assert len(rows(out)) == before + 1 and (out.parent / "labels.jsonl.skipped").read_text().count("\n") == 1
    browser.find_element(By.CSS_SELECTOR, ".label-answers button[data-label='skip']").click()  # a click, too
    _left(browser, 1)


def test_without_an_annotation_file_the_page_says_which_setting(browser, model_path, tmp_path,  # noqa: F811
                                                                uvicorn_server):
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": str(model_path)}
    env.pop("GEOSTANCE_ANNOTATION_FILE", None)
    with uvicorn_server(env, tmp_path / "uvicorn.log") as running:
        browser.get(f"{running.base}/ui#label")
        box = WebDriverWait(browser, WAIT).until(EC.visibility_of_element_located((By.ID, "label-message")))
        WebDriverWait(browser, WAIT).until(lambda d: box.text.strip())
        assert box.text.startswith("Labelling is off.") and "GEOSTANCE_ANNOTATION_FILE" in box.text

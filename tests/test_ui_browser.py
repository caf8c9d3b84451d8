"""The page in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by
Selenium against a real ``uvicorn serving.app:app`` on a loopback port.

Skipped only when Chromium or its driver is not installed (``.ci/run`` installs both). Set
``GEOSTANCE_UI_SCREENSHOT=bench/figures/ui.png`` to also write the README's screenshot.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from serving.settings import REPO_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only once Chromium is known to be there
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SEED = REPO_ROOT / "seeds" / "000_3dbf35ee1580a863.txt"
LIMIT = 20_000
WAIT = 30
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1366,768")


def _table(path: Path) -> Path:
    names = {"CHN": "China", "RUS": "Russia", "USA": "United States", "UKR": "Ukraine"}
    rows = []
    for month in range(1, 13):
        for k, (src, tgt, stance) in enumerate([("CHN", "RUS", "support"), ("USA", "RUS", "oppose"),
                                                ("RUS", "UKR", "oppose"), ("USA", "UKR", "support"),
                                                ("CHN", "RUS", "neutral" if month < 6 else "support")]):
            rows.append({"doc_id": f"m{month}-{k}", "date": f"2022-{month:02d}-{10 + k:02d}", "source": src,
                         "source_name": names[src], "source_kind": "state", "target": tgt, "target_name": names[tgt],
                         "target_kind": "state", "stance": stance, "p_support": 0.6, "p_oppose": 0.2,
                         "p_neutral": 0.2, "n_sentences": 1, "sentence_indices": [0], "sentence_starts": [0],
                         "sentence_ends": [20]})
    for month in (1, 2, 5, 6):  # a dyad with a gap of two empty months (issue 19, item 12)
        rows.append({**rows[-1], "doc_id": f"g{month}", "date": f"2022-{month:02d}-15", "source": "UKR",
                     "source_name": "Ukraine", "target": "USA", "target_name": "United States", "stance": "support"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(model_path, tmp_path_factory, uvicorn_server):
    tmp = tmp_path_factory.mktemp("ui-server")
    env = {**os.environ, "GEOSTANCE_MODEL_PATH": str(model_path), "GEOSTANCE_MAX_TEXT_CHARS": str(LIMIT),
           "GEOSTANCE_TABLE_PATH": str(_table(tmp / "dyads.jsonl"))}
    with uvicorn_server(env, tmp / "uvicorn.log") as running:
        assert running.health.status_code == 200, running.health.text
        yield running.base


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser, server):
    browser.get(f"{server}/ui")
    WebDriverWait(browser, WAIT).until(EC.element_to_be_clickable((By.ID, "submit")))


def _paste(browser, text: str) -> None:
    browser.execute_script("const t = document.getElementById('text'); t.value = arguments[0];"
                           "t.dispatchEvent(new Event('input'));", text)


def _message(browser) -> str:
    box = WebDriverWait(browser, WAIT).until(EC.visibility_of_element_located((By.ID, "message")))
    WebDriverWait(browser, WAIT).until(lambda d: box.text.strip())
    return box.text


def test_seed_article_shows_china_support_for_russia_with_its_evidence(browser, server, tmp_path):
    _open(browser, server)
    _paste(browser, SEED.read_text(encoding="utf-8").split("\n", 1)[1])
    browser.find_element(By.ID, "submit").click()
    row = WebDriverWait(browser, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#dyads tr[data-pair='CHN-RUS']")))
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "support"
    assert browser.find_element(By.ID, "message").is_displayed() is False
    # mentions are marked in the text, by actor
    marks = browser.find_elements(By.CSS_SELECTOR, "#doc mark.m")
    assert {"China", "Russia", "Beijing", "Moscow"} <= {m.text for m in marks}
    assert not browser.find_elements(By.CSS_SELECTOR, "#doc .sent.ev")  # nothing highlighted before a click

    row.find_element(By.CSS_SELECTOR, "button.pair-btn").click()
    WebDriverWait(browser, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#doc .sent.ev")))
    row = browser.find_element(By.CSS_SELECTOR, "#dyads tr[data-pair='CHN-RUS']")  # the list is drawn anew
    assert row.find_element(By.CSS_SELECTOR, "button").get_attribute("aria-pressed") == "true"
    assert "selected" in row.get_attribute("class")
    assert browser.find_element(By.CSS_SELECTOR, "#detail h3").text == "China → Russia"
    shown = {int(s.get_attribute("data-index")) for s in browser.find_elements(By.CSS_SELECTOR, "#doc .sent.ev")}
    listed = browser.find_elements(By.CSS_SELECTOR, "#detail .evi")
    assert len(listed) == len(shown) >= 2
    driving = browser.find_elements(By.CSS_SELECTOR, "#doc .sent.ev .w-toward")
    assert driving and all(w.text.strip() for w in driving)
    assert browser.find_elements(By.CSS_SELECTOR, "#detail .feat.toward .wt")
    # the chips say words of the sentence in plain language; the feature behind a chip is one click away
    chips = browser.find_elements(By.CSS_SELECTOR, "#detail details.feat")
    plain = [c.find_element(By.CSS_SELECTOR, "summary").text for c in chips]
    assert len(plain) >= 4 and all(plain)
    internal = ("xsrcx", "xtgtx", "xothx", "sl:", "sr:", "tl:", "tr:", "fw:", "bw:", "no span", "_bw", "_fw", "_st")
    assert not [p for p in plain if any(k in p for k in internal)], plain
    assert any(p.startswith("“") for p in plain)  # quoted words of the sentence
    hidden = chips[0].find_element(By.CSS_SELECTOR, ".internals")
    assert not hidden.is_displayed()
    chips[0].find_element(By.CSS_SELECTOR, "summary").click()
    assert hidden.is_displayed() and hidden.text.startswith("feature ") and " view · tf-idf " in hidden.text
    chips[0].find_element(By.CSS_SELECTOR, "summary").click()
    path = tmp_path / "ui.png"
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 20_000
    if os.environ.get("GEOSTANCE_UI_SCREENSHOT"):
        shutil.copy(path, REPO_ROOT / os.environ["GEOSTANCE_UI_SCREENSHOT"])
    if os.environ.get("GEOSTANCE_UI_DETAIL_SCREENSHOT"):  # the evidence panel with its chips
        chip = browser.find_element(By.CSS_SELECTOR, "#detail details.feat")
        browser.execute_script("arguments[0].scrollIntoView()", chip)
        browser.save_screenshot(os.environ["GEOSTANCE_UI_DETAIL_SCREENSHOT"])

    # the keyboard: Enter on another dyad selects it; the matrix shows the same stance
    other = browser.find_element(By.CSS_SELECTOR, "#dyads tr[data-pair='RUS-CHN'] button.pair-btn")
    other.send_keys(Keys.ENTER)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#detail h3").text == "Russia → China")
    browser.find_element(By.ID, "show-matrix").send_keys(Keys.SPACE)
    cell = browser.find_element(By.CSS_SELECTOR, "#matrix button.cell[aria-label^='China toward Russia']")
    assert cell.get_attribute("aria-label").endswith(": support") and "support" in cell.get_attribute("class")
    browser.find_element(By.ID, "show-list").click()


def test_empty_text_shows_a_message(browser, server):
    _open(browser, server)
    _paste(browser, "China backed Russia. Russia thanked China.")
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#dyads tr[data-pair]")))
    WebDriverWait(browser, WAIT).until(EC.element_to_be_clickable((By.ID, "submit")))
    _paste(browser, "   \n ")
    browser.find_element(By.ID, "submit").click()
    assert "Paste a text first" in _message(browser)
    assert browser.switch_to.active_element.get_attribute("id") == "text"
    # the earlier text's dyads, marks and legend are gone: nothing stands beside the error that is not its own
    assert not browser.find_elements(By.CSS_SELECTOR, "#dyads tr[data-pair]")
    assert browser.find_element(By.ID, "dyads-title").text == "Dyads (0)"
    assert not browser.find_elements(By.CSS_SELECTOR, "#doc mark, #legend .key")


def test_text_without_actors_says_so_without_a_stray_null(browser, server):
    _open(browser, server)
    _paste(browser, "The weather was fine and the harvest came in early this year.")
    browser.find_element(By.ID, "submit").click()
    assert "No dyad in this text." in _message(browser)
    assert "null" not in browser.find_element(By.ID, "view-text").text
    assert browser.find_element(By.ID, "legend").text == ""


def test_text_not_in_english_shows_a_message_and_no_stance(browser, server):
    _open(browser, server)
    _paste(browser, "La France a condamné l'Iran.")
    browser.find_element(By.ID, "submit").click()
    text = _message(browser)
    assert "This text is not in English (it reads as French, fr)." in text
    assert "no stance is given for its 2 dyads" in text
    row = browser.find_element(By.CSS_SELECTOR, "#dyads tr[data-pair='FRA-IRN'] button.pair-btn")
    assert row.get_attribute("aria-label") == "France → Iran: no stance"


def test_text_over_the_limit_shows_the_413_message(browser, server):
    _open(browser, server)
    _paste(browser, "China backed Russia. " * (LIMIT // 20))
    browser.find_element(By.ID, "submit").click()
    text = _message(browser)
    assert "The text is too long." in text and f"the limit is {LIMIT} characters" in text


def test_text_without_words_shows_the_422_message(browser, server):
    _open(browser, server)
    _paste(browser, "12 34 !!!")
    browser.find_element(By.ID, "submit").click()
    text = _message(browser)
    assert "could not read this request" in text and "no words" in text


@pytest.mark.parametrize("status, body, needle", [
    (500, {"detail": "internal error", "request_id": "0f0e0d0c-aaaa-bbbb-cccc-000000000000"},
     "Request id 0f0e0d0c-aaaa-bbbb-cccc-000000000000"),
    (503, {"detail": "the model is unavailable", "reason": "model file models/stance.joblib does not exist"},
     "The model is unavailable. model file models/stance.joblib does not exist"),
])
def test_server_errors_show_a_message_not_a_blank(browser, server, status, body, needle):
    _open(browser, server)
    # the service answers with this error (the page's fetch is replaced; the page itself is unchanged)
    browser.execute_script("const [status, body] = arguments;"
                           "window.fetch = async () => new Response(JSON.stringify(body),"
                           " {status, headers: {'Content-Type': 'application/json'}});", status, body)
    _paste(browser, "China backed Russia.")
    browser.find_element(By.ID, "submit").click()
    assert needle in " ".join(_message(browser).split())
    assert "Traceback" not in browser.page_source


def test_archive_view_draws_the_matrix_and_a_series(browser, server):
    _open(browser, server)
    browser.find_element(By.ID, "tab-archive").click()
    WebDriverWait(browser, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#a-series svg circle")))
    WebDriverWait(browser, WAIT).until(lambda d: "64 dyads" in d.find_element(By.ID, "archive-info").text)
    assert "64 dyads in 64 articles, 2022-01-10 to 2022-12-14" in browser.find_element(By.ID, "archive-info").text
    cell = browser.find_element(By.CSS_SELECTOR, "#a-matrix button.cell[aria-label^='China toward Russia']")
    assert "net +0.79 over 24 articles" in cell.get_attribute("aria-label")  # 19 support, 5 neutral
    assert cell.text.split() == ["+0.79", "n=24"]  # the count is shown, not only in the label
    few = browser.find_element(By.CSS_SELECTOR, "#a-matrix button.cell[aria-label^='Ukraine toward United States']")
    assert few.text.split() == ["+1.00", "n=4"]
    cell.click()
    WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#a-series h3").text.startswith("China → Russia"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#a-series svg circle")) == 12
    assert len(browser.find_elements(By.CSS_SELECTOR, "#a-series svg polyline.line")) == 1
    few.click()
    WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#a-series h3").text.startswith("Ukraine → United States"))
    # January, February, (March and April empty), May, June: the line breaks at the empty months
    assert len(browser.find_elements(By.CSS_SELECTOR, "#a-series svg circle")) == 4
    lines = browser.find_elements(By.CSS_SELECTOR, "#a-series svg polyline.line")
    assert [len(p.get_attribute("points").split()) for p in lines] == [2, 2]
    shot = os.environ.get("GEOSTANCE_UI_ARCHIVE_SCREENSHOT")
    if shot:
        browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "a-series"))
        browser.save_screenshot(shot)


@pytest.mark.parametrize("path, title", [("/docs", "//*[contains(@class, 'title') and contains(., 'geostance')]"),
                                         ("/redoc", "//h1[contains(., 'geostance')]")])
def test_api_docs_render_with_no_network(browser, server, path, title):
    browser.get(f"{server}{path}")
    assert WebDriverWait(browser, WAIT).until(EC.presence_of_element_located((By.XPATH, title))).is_displayed()

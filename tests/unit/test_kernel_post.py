"""``moiety.post`` against a small real HTTP service standing in for Moiety's: the body it
composes (read back by the feed's own markup parser), where it posts, and its errors."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdkit import Chem

import moiety
from moiety.client import MoietyAPIError
from moiety.core.markup import parse
from moiety.kernel import NotInHub
from moiety.kernel.posting import compose

TOKEN = "secret-server-token"


class StubService:
    """Answers ``POST /posts`` like the service: 201 and an event, or a refusal."""

    def __init__(self):
        self.requests = []
        self.refuse = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append((self.path, self.headers["Authorization"], body))
                status, answer = stub.refuse or (201, {"id": len(stub.requests), **body})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/moiety/api/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def service(monkeypatch):
    stub = StubService()
    monkeypatch.setenv("MOIETY_SERVICE_API_URL", stub.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
    monkeypatch.delenv("MOIETY_PROJECT", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    yield stub
    stub.close()


def test_the_body_holds_text_molecules_and_tags_in_the_feeds_notation():
    aspirin = Chem.MolFromSmiles("CC(=O)Oc1ccccc1C(=O)O")
    aspirin.SetProp("_Name", "aspirin")
    body = compose(
        "New actives from the **Tuesday** plate",
        molecules=[
            "c1ccccc1O",
            aspirin,
            ("gefitinib\nbatch 2", "COCCOc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCOC"),
            {"smiles": "CCN", "name": "with `ticks`"},
        ],
        tags=["hit-to-lead", "#EGFR"],
    )
    assert body.startswith("New actives from the **Tuesday** plate\n\n```smiles\nc1ccccc1O\n")
    markup = parse(body)
    assert [(m.smiles, m.name) for m in markup.molecules] == [
        ("c1ccccc1O", None),
        ("CC(=O)Oc1ccccc1C(=O)O", "aspirin"),
        ("COCCOc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCOC", "gefitinib batch 2"),
        ("CCN", "with 'ticks'"),
    ]
    assert markup.tags == ["hit-to-lead", "egfr"]


def test_in_a_project_server_posts_go_to_its_project(service, monkeypatch):
    monkeypatch.setenv("MOIETY_PROJECT", "egfr-sar")
    event = moiety.post("from the project", molecules="CCO", tags="kernel")
    path, authorization, body = service.requests[0]
    assert path == "/services/moiety/api/posts"
    assert authorization == f"token {TOKEN}"
    assert body == {
        "project": "egfr-sar",
        "body": "from the project\n\n```smiles\nCCO\n```\n\n#kernel",
    }
    assert event["id"] == 1
    assert moiety.post("again", project="egfr-sar")["project"] == "egfr-sar"
    with pytest.raises(ValueError, match="project server of 'egfr-sar'"):
        moiety.post("elsewhere", project="sulfonamide-sar")
    assert len(service.requests) == 2


def test_a_project_notebooks_post_says_which_notebook_posted(service, monkeypatch, tmp_path):
    monkeypatch.setenv("MOIETY_PROJECT", "egfr-sar")
    monkeypatch.setenv("JUPYTERHUB_ROOT_DIR", str(tmp_path))
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "notebooks" / "@lena #1 `x`.ipynb"))
    moiety.post("from a notebook", molecules="CCO", tags="kernel")
    body = service.requests[0][2]["body"]
    assert body == (
        "from a notebook\n\n```smiles\nCCO\n```\n\n#kernel\n\n"
        "Posted from ``notebooks/@lena #1 `x`.ipynb``"
    )
    markup = parse(body)  # the path's @ and # are not a mention and a tag
    assert (markup.mentions, markup.tags) == ([], ["kernel"])
    monkeypatch.delenv("MOIETY_PROJECT")  # a personal server: the post is its owner's
    moiety.post("mine", project="egfr-sar")
    assert service.requests[1][2]["body"] == "mine"


def test_in_a_personal_server_the_project_is_required(service):
    with pytest.raises(ValueError, match="Say which project"):
        moiety.post("where does this go?")
    moiety.post("mine", project="sulfonamide-sar")
    assert [r[2]["project"] for r in service.requests] == ["sulfonamide-sar"]


def test_the_services_refusal_comes_through_in_its_words(service):
    service.refuse = (404, {"error": "no-project", "message": "There is no project 'x'."})
    with pytest.raises(MoietyAPIError, match="There is no project 'x'") as caught:
        moiety.post("hello", project="x")
    assert caught.value.status == 404
    assert TOKEN not in str(caught.value)


def test_outside_a_hub_the_error_says_so(monkeypatch):
    monkeypatch.delenv("MOIETY_SERVICE_API_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    with pytest.raises(NotInHub, match="notebooks of a Moiety hub"):
        moiety.post("hello", project="egfr-sar")


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"molecules": ["CCO", "C1CC"]}, ValueError, r"Molecule 2 \('C1CC'\).*unclosed ring"),
        ({"molecules": [("a", "b", "c")]}, TypeError, "a pair is"),
        ({"molecules": [42]}, TypeError, "not int"),
        ({"tags": ["1st"]}, ValueError, "'1st' is not a tag"),
        ({"tags": ["two words"]}, ValueError, "is not a tag"),
    ],
)
def test_input_it_can_tell_is_wrong_is_refused_before_posting(service, kwargs, error, words):
    with pytest.raises(error, match=words):
        moiety.post("text", project="egfr-sar", **kwargs)
    assert service.requests == []


def test_an_empty_post_is_refused(service):
    with pytest.raises(ValueError, match="needs some text"):
        moiety.post("   ", project="egfr-sar")

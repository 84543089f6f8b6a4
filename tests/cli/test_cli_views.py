"""`casebook list --mine` and `--awaiting`, and `casebook queue`: the reader's own views,
as in the app."""

from casebook import demo


def test_mine_and_awaiting_my_reply(cli, tmp_path):
    demo.build(tmp_path / "demo")  # four fictional colleagues; the reader is the first
    env = {"CASEBOOK_PASSPHRASE": demo.PASSPHRASE}
    run = lambda *a: cli(*a, profile="demo/profile", env=env)  # noqa: E731
    me = run("whoami", "--json").json["fingerprint"]
    everything = run("list", "--limit", "100", "--json").json["results"]
    mine = run("list", "--mine", "--limit", "100", "--json").json["results"]
    waiting = run("list", "--awaiting", "--limit", "100", "--json").json["results"]
    assert mine and all(case["author"] == me for case in mine)
    assert {c["id"] for c in mine} == {c["id"] for c in everything if c["author"] == me}
    assert waiting and len(waiting) < len(everything)
    queue = run("queue", "--json").json
    mentioned = []
    for case in waiting:
        shown = run("show", case["id"], "--json").json
        if shown["opinion"] != "none":  # its author asks everyone for a second opinion
            continue
        took_part = me in [shown["author"], *(c["author"] for c in shown["discussion"])]
        newest = max(shown["discussion"], key=lambda c: c["created_at"])
        if not took_part:  # a colleague named me (@Rivera) in the AF case
            mentioned.append(shown["title"])
            continue
        assert newest["author"] != me
    assert mentioned == ["New AF with rapid ventricular response after hip surgery"]
    # Awaiting my reply lists open cases, here as in the queue and the app's sidebar.
    assert all(c["status"] == "open" for c in waiting)
    assert [c["id"] for c in waiting] == queue["awaiting_me"]
    assert queue["my_open"] and set(queue["my_open"]) <= {c["id"] for c in mine}
    refused = run("list", "--mine", "--author", "Sam")
    assert refused.code != 0 and "--mine or --author" in refused.err

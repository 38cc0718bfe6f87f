from tests.conftest import ALICE, BOB, scalar


def test_kudos_command_end_to_end(slack, fake_slack, sql):
    response = slack.command("/kudos", f"<@{BOB}|bob> thanks for the rescue #customer-first", user=ALICE)
    assert response.status_code == 200, response.text
    assert "Kudos sent" in response.text
    assert scalar(sql, "select count(*) from kudos") == 1
    posts = fake_slack.wait_for("chat.postMessage", 2)
    print([p.params for p in posts])

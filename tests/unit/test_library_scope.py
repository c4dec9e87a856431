"""playground.library.library_scope: whose library a session sees."""

from playground.library import library_scope


def test_a_signed_in_user_owns_their_items():
    scope = library_scope(
        user_email="Ada@Example.com",
        server_address="0.0.0.0",
        url_host="app.example.com",
        library_mode=None,
    )
    assert scope.owner == "user:ada@example.com" and scope.can_list


def test_a_local_run_has_one_user():
    for address, host in (("127.0.0.1", "127.0.0.1"), ("localhost", None), ("", "localhost")):
        scope = library_scope(
            user_email=None, server_address=address, url_host=host, library_mode=None
        )
        assert scope.owner == "local" and scope.can_list


def test_a_public_deployment_without_sign_in_lists_nothing():
    scope = library_scope(
        user_email=None, server_address="", url_host="playground.streamlit.app", library_mode=None
    )
    assert scope.owner == "anonymous" and not scope.can_list
    team = library_scope(
        user_email=None, server_address="0.0.0.0", url_host="10.0.0.5", library_mode="shared"
    )
    assert team.owner == "shared" and team.can_list

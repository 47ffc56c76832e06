"""allauth's own strings on the login page speak Vietnamese (learningcities/thirdparty/locale)."""

import pytest

from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN_VI = "/vi/account/login/"


def test_login_page_in_vietnamese_labels_allauths_fields_in_vietnamese(client):
    response = client.get(LOGIN_VI)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in html
    assert "<h1>Đăng nhập</h1>" in html
    # allauth's labels and placeholders, from the third-party catalogue.
    assert '<label for="id_login">E-mail:</label>' in html
    assert 'placeholder="Địa chỉ e-mail"' in html
    assert '<label for="id_password">Mật khẩu:</label>' in html
    assert '<label for="id_remember">Ghi nhớ đăng nhập:</label>' in html
    assert "Remember Me" not in html


def test_failed_login_in_vietnamese_explains_in_vietnamese(client):
    make_user("ana@example.org")

    response = client.post(LOGIN_VI, {"login": "ana@example.org", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Địa chỉ e-mail và/hoặc mật khẩu bạn nhập không đúng." in html
    assert "The email address and/or password you specified are not correct." not in html

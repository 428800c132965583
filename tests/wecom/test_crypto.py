"""The callback encryption against the vectors of WeCom's own 加解密 sample (the official
WXBizMsgCrypt libraries' Sample: token, EncodingAESKey, corp id, a URL verification and a
message), and what must be refused."""

from __future__ import annotations

import pytest

from nianbao.wecom.crypto import Crypto, Refused, signature

# WeCom's sample (callback/Sample.py of its official Python library)
TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
VERIFY = dict(
    msg_signature="012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", timestamp="1476416373", nonce="47744683",
    ciphertext="fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
)
MESSAGE = dict(
    msg_signature="0c3914025cb4b4d68103f6bfc8db550f79dcf48e", timestamp="1476422779", nonce="1597212914",
    ciphertext=(
        "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+"
        "kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4"
        "Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49"
        "HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
    ),
)


@pytest.fixture
def crypto() -> Crypto:
    return Crypto(TOKEN, AES_KEY, CORP_ID)


def test_the_url_verification_of_the_sample(crypto):
    assert crypto.open(**VERIFY) == b"1288432023552776189"


def test_the_message_of_the_sample(crypto):
    xml = crypto.open(**MESSAGE).decode("utf-8")
    assert xml.startswith("<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>")
    assert "<Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID>" in xml


def test_the_signature_sorts_its_four_parts():
    parts = ("b", "a", "d", "c")
    assert signature(*parts) == signature("a", "b", "c", "d") == signature("d", "c", "b", "a")


def test_a_forged_signature_is_refused(crypto):
    with pytest.raises(Refused, match="signature"):
        crypto.open(**{**MESSAGE, "msg_signature": "0" * 40})
    with pytest.raises(Refused, match="signature"):
        crypto.open(**{**MESSAGE, "timestamp": "1476422780"})  # the signature covers the timestamp


def test_another_corps_message_is_refused():
    with pytest.raises(Refused, match="receiver"):
        Crypto(TOKEN, AES_KEY, "ww0000000000000000").open(**MESSAGE)


def test_a_tampered_ciphertext_is_refused(crypto):
    tampered = MESSAGE["ciphertext"][:40] + ("A" if MESSAGE["ciphertext"][40] != "A" else "B") + MESSAGE["ciphertext"][41:]
    with pytest.raises(Refused):
        crypto.decrypt(tampered)
    for junk in ("", "not base64!", "QUJD"):
        with pytest.raises(Refused):
            crypto.decrypt(junk)


def test_what_we_encrypt_decrypts_as_wecom_does(crypto):
    message = "<xml><Content><![CDATA[年报]]></Content></xml>".encode("utf-8")
    for size in (0, 1, 11, 12, 43, 44, 1000):  # padding lengths 1..32, a whole block of padding too
        body = message + b"x" * size
        ciphertext, sig = crypto.seal(body, "1700000000", "123")
        assert crypto.open(sig, "1700000000", "123", ciphertext) == body
        assert len(__import__("base64").b64decode(ciphertext)) % 32 == 0


def test_a_malformed_key_is_told_at_once():
    for key in ("short", AES_KEY + "A", "!" * 43):
        with pytest.raises(ValueError):
            Crypto(TOKEN, key, CORP_ID)

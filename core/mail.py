"""Every email Insource sends, one way: a text part and an HTML part rendered from a pair of
templates (`<name>.txt` and `<name>.html`) with the same context, from DEFAULT_FROM_EMAIL,
through the EMAIL_BACKEND of the settings (SMTP in production, the console under `make run`)."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_message(*, to: str, subject: str, template: str, context: dict,
                  headers: dict | None = None) -> EmailMultiAlternatives:
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [to],
                                     headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send_email(*, to: str, subject: str, template: str, context: dict, headers: dict | None = None) -> int:
    """Send one email; how many were sent (1), or the mail server's error raised."""
    return email_message(to=to, subject=subject, template=template, context=context, headers=headers).send()

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    """Sign-in in the GOV.UK style. django-axes counts failures and cools off repeat
    offenders; the form's errors use the error summary pattern."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

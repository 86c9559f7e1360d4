from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jewelreview.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "learningcities.demo"
    label = "demo"

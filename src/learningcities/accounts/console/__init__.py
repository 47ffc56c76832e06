"""Console commands that replace Django's own, in an app listed before django.contrib.auth.

Django takes a management command from the first app in INSTALLED_APPS that
has one of that name. This app holds only such commands and comes first; the
accounts app itself stays after the apps it builds on, so its templates and
translations do not take precedence over theirs (django.contrib.auth,
the admin and allauth share msgids with it, such as "active").
"""

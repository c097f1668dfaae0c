from django.urls import path

from . import views

urlpatterns = [
    path("a-diffuser/", views.SmsWaitingView.as_view(), name="sms_waiting"),
    path("suivi/", views.SmsTrackingView.as_view(tab="suivi"), name="sms_tracking"),
    path("suivi/delivres/", views.SmsTrackingView.as_view(tab="delivres"), name="sms_tracking_delivered"),
    path("suivi/invalides/", views.SmsTrackingView.as_view(tab="invalides"), name="sms_tracking_failed"),
    path("suivi/synthese/", views.SmsSyntheseView.as_view(), name="sms_synthese"),
    path("suivi/mettre-a-jour/", views.sms_refresh, name="sms_refresh"),
    path("<int:pk>/", views.SmsDetailView.as_view(), name="sms_detail"),
    path("<int:pk>/renvoyer/", views.sms_resend_view, name="sms_resend"),
    path("fournisseur/", views.ProviderView.as_view(), name="sms_provider"),
    path("fournisseur/modifier/", views.provider_edit, name="sms_provider_edit"),
    path("fournisseur/tester/", views.provider_test, name="sms_provider_test"),
    path("fournisseur/sms-de-test/", views.provider_test_sms_view, name="sms_provider_test_sms"),
]

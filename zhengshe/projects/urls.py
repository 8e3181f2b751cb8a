from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("needs/", views.NeedListView.as_view(), name="need_list"),
    path("needs/new/", views.need_create_view, name="need_create"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("services/", views.ServiceItemListView.as_view(), name="service_list"),
    path("services/new/", views.service_create_view, name="service_create"),
    path("services/<int:pk>/", views.ServiceItemDetailView.as_view(), name="service_detail"),
    path("calls/", views.CallListView.as_view(), name="call_list"),
    path("calls/new/", views.call_create_view, name="call_create"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("calls/<int:pk>/apply/", views.application_create_view, name="application_create"),
    path("calls/<int:pk>/do/<str:action>/", views.call_move_view, name="call_move"),
    path("calls/<int:pk>/reviewers/", views.call_reviewers_view, name="call_reviewers"),
    path("calls/<int:pk>/awards/", views.call_awards_view, name="call_awards"),
    path("applications/<int:pk>/contract/", views.contract_create_view, name="contract_create"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf_view, name="contract_pdf"),
    path("contracts/<int:pk>/do/<str:action>/", views.contract_move_view, name="contract_move"),
    path("milestones/<int:pk>/report/", views.milestone_report_view, name="milestone_report"),
    path("milestones/<int:pk>/do/<str:action>/", views.milestone_decide_view, name="milestone_decide"),
    path("reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("reviews/<int:pk>/", views.review_detail_view, name="review_detail"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit_view, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit_view, name="application_submit"),
    path("applications/<int:pk>/do/<str:action>/", views.application_move_view, name="application_move"),
]

from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/do/<str:action>/", views.agreement_action, name="action"),
    path("<int:pk>/confirm/", views.agreement_confirm, name="confirm"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("notes/<int:note_pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("<int:pk>/sign/", views.agreement_sign, name="sign"),
    path("<int:pk>/diff/", views.revision_diff, name="diff"),
    path("<int:pk>/pdf/", views.agreement_pdf_view, name="pdf"),
    path("items/<int:item_pk>/progress/", views.progress_add, name="progress"),
    path("instalments/<int:instalment_pk>/pay/", views.instalment_pay, name="pay"),
    path("<int:pk>/adjust/", views.funds_adjust_view, name="adjust"),
    path("<int:pk>/amendments/new/", views.amendment_create, name="amendment_create"),
    path("amendments/<int:pk>/", views.amendment_detail, name="amendment_detail"),
    path("amendments/<int:pk>/sign/", views.amendment_sign, name="amendment_sign"),
    path("amendments/<int:pk>/cancel/", views.amendment_cancel, name="amendment_cancel"),
    path("amendments/<int:pk>/pdf/", views.amendment_pdf_view, name="amendment_pdf"),
    path("templates/", views.TemplateListView.as_view(), name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/items/<int:pk>/", views.template_item_edit, name="template_item_edit"),
    path("templates/<int:pk>/draft/", views.template_draft, name="template_draft"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("zip/", views.zip_download, name="zip"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
    path("funds/", views.funds, name="funds"),
    path("ledger/", views.LedgerListView.as_view(), name="ledger"),
    path("councils/", views.CouncilListView.as_view(), name="council_list"),
    path("councils/new/", views.council_create, name="council_create"),
]

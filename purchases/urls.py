from django.urls import path

from . import views

app_name = "purchases"

urlpatterns = [
    path("buy/", views.buy, name="buy"),
    path("buy/review/", views.review, name="review"),
    path("orders/<uuid:public_id>/pay/", views.pay, name="pay"),
    path("orders/<uuid:public_id>/", views.order_detail, name="order"),
]

from django.urls import path

from sosoon_site.consumers import SocketConsumer

websocket_urlpatterns = [path("ws/", SocketConsumer.as_asgi())]

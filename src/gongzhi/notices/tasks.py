"""Background tasks of the notification core: Celery with a broker, inline (eager) without one."""

from celery import shared_task


@shared_task(name="notices.send_deliveries", ignore_result=True)
def send_deliveries(delivery_ids: list[int]) -> dict:
    from .delivery import send_many

    return send_many(delivery_ids)

"""The worker's entry points for notifications: thin, each calls one service."""

from config.tasks import task


@task()
def deliver(delivery_id: int) -> str:
    from notifications.services.deliveries import delivery_attempt

    return delivery_attempt(delivery_id)


@task()
def check_escalation(escalation_id: int) -> str:
    from notifications.services.escalations import escalation_check

    return escalation_check(escalation_id)


@task()
def activate_subscription(subscription_id: int) -> str:
    from notifications.services.subscriptions import subscription_activate

    return subscription_activate(subscription_id)

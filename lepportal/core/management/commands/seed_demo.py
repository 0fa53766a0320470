from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, demo_accounts_seed
from consultations.demo import demo_consultation_seed, demo_street_level_seed
from strategies.demo import demo_strategy_seed


class Command(BaseCommand):
    help = "Create (or refresh) the demo accounts and data. Idempotent; refused in production."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is refused under production settings.")
        accounts = demo_accounts_seed()
        strategy = demo_strategy_seed()
        consultation = demo_consultation_seed()
        demo_street_level_seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with any of these:"))
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.description}")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"Demo strategy: http://127.0.0.1:8000{strategy.get_draft_url()}")
        self.stdout.write(
            f"Demo consultation: http://127.0.0.1:8000{consultation.get_absolute_url()}"
        )

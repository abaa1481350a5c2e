"""Answer sets for the shipped instruments, as an API client sends them."""


def phq9(total_each: int = 0, item9: int = 0) -> list[dict]:
    answers = [{"link_id": f"phq9-{n}", "value": total_each} for n in range(1, 9)]
    return [*answers, {"link_id": "phq9-9", "value": item9}]


def pcl5(each: int = 0) -> list[dict]:
    return [{"link_id": f"pcl5-{n}", "value": each} for n in range(1, 21)]


def start(api, client_id: int, instrument: str, answers=(), submit=False, **extra):
    body = {
        "client": client_id,
        "instrument": instrument,
        "mode": "clinician",
        "answers": list(answers),
        "submit": submit,
        **extra,
    }
    return api.post("/api/v1/screenings/", body, format="json")

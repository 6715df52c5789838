"""Deceptive-recruitment and job-scam indicators on synthetic job ads written for these tests."""

from __future__ import annotations

import pytest

from adtrace.indicators import get, indicate

HONEST = (
    "Warehouse associate\n"
    "Northfield Supply is a regional distributor of building materials founded in 1987, with offices in four "
    "states and a team of 300 people. Our mission is to deliver on time and treat our people fairly.\n"
    "Responsibilities: receive, check and store deliveries; prepare orders for dispatch; keep the warehouse "
    "clean and safe.\nRequirements: one year of warehouse experience; ability to lift 20 kg; forklift "
    "certification is a plus.\nWe offer a full-time contract, health insurance, paid vacation and a pension "
    "plan. Interviews are held at our depot. We never charge applicants any fee. Apply through our careers "
    "page with your CV and two references; we reply to every applicant within two weeks of the closing date.\n"
    "About the role: you will join a crew of twelve on the early shift, from six in the morning to half past "
    "two in the afternoon, Monday to Friday, with a paid break. New colleagues spend their first month with a "
    "mentor who shows them our scanning system, the loading bays and the safety rules. After three months you "
    "can train for the forklift licence at our cost. Overtime is voluntary, announced a week ahead and paid at "
    "time and a half. The depot is on the number 4 bus route and has free staff parking and a canteen."
)


def _job(text: str) -> set[str]:
    return {i["id"] for i in indicate(text, {}, kind="job")}


def test_an_honest_detailed_job_ad_fires_no_labour_indicator() -> None:
    assert not {i for i in _job(HONEST) if i.startswith("labor.")}


@pytest.mark.parametrize(("ind_id", "text"), [
    ("labor.upfront_purchase.v2", "You must purchase the starter kit and software before your first shift."),
    ("labor.upfront_purchase.v2", "We mail you a check; deposit the check and send the remaining balance to our vendor."),
    ("labor.upfront_purchase.v2", "Debes comprar el equipo antes de empezar."),
    ("labor.upfront_purchase.v2", "入职前先交服装费。"),
    ("labor.chat_interview.v1", "The interview will be conducted online via Google Hangouts with our HR officer."),
    ("labor.chat_interview.v1", "La entrevista será por Telegram."),
    ("labor.chat_interview.v1", "加微信面试，当天上岗。"),
    ("labor.personal_data_upfront.v1", "To apply, send us a copy of your passport and your bank account details."),
    ("labor.personal_data_upfront.v1", "Envía tus datos bancarios para el registro."),
    ("labor.personal_data_upfront.v1", "报名请提供银行卡号。"),
    ("labor.work_from_home.v1", "Simple data entry, work from home on your own schedule."),
    ("labor.work_from_home.v1", "Trabaja desde casa, captura de datos."),
    ("labor.work_from_home.v1", "在家兼职，手机即可操作。"),
    ("labor.easy_money.v2", "Earn up to $1,200 per week from day one."),
    ("labor.easy_money.v2", "Gana hasta $900 por semana."),
    ("labor.easy_money.v2", "轻松赚钱，日赚三百。"),
    ("labor.no_experience.v1", "No experience needed."),
    ("labor.urgent_hiring.v1", "Urgently hiring, start immediately!"),
    ("labor.guaranteed_job.v1", "Guaranteed job, no interview needed."),
])
def test_job_scam_signs_fire(ind_id: str, text: str) -> None:
    assert ind_id in _job(text)


def test_negated_purchase_and_data_requests_do_not_fire() -> None:
    assert "labor.upfront_purchase.v2" not in _job("We never ask you to buy equipment; it is provided.")
    assert "labor.personal_data_upfront.v1" not in _job("We will never ask for your bank account details.")


def test_structural_signs_fire_on_a_short_vague_job_ad_only() -> None:
    vague = "Assistant\nFlexible work, earn weekly. Apply now."
    fired = _job(vague)
    assert {"labor.vague_employer.v1", "labor.short_posting.v1"} <= fired
    assert not {"labor.vague_employer.v1", "labor.short_posting.v1"} & _job(HONEST)


def test_structural_signs_apply_to_job_ads_only() -> None:
    """An escort ad is short and names no employer; that says nothing about recruitment."""
    ad = {i["id"] for i in indicate("Sweet and classy, call me tonight", {}, kind="ad")}
    assert not {"labor.vague_employer.v1", "labor.short_posting.v1", "labor.scam_prone_role.v1",
                "labor.personal_email.v1"} & ad


def test_a_company_that_describes_itself_is_not_vague() -> None:
    for text in ("Clerk\nAcme Freight is a family-owned logistics company in Ohio.", "Clerk\nSomos una empresa de logística.",
                 "文员\n公司简介：本公司成立于2005年。"):
        assert "labor.vague_employer.v1" not in _job(text), text


def test_short_posting_counts_chinese_characters() -> None:
    assert "labor.short_posting.v1" in _job("招聘文员，日结。")
    assert "labor.short_posting.v1" not in _job("招聘文员" + "工作内容包括资料整理和客户接待" * 40)


def test_personal_email_contact_in_a_job_ad() -> None:
    assert "labor.personal_email.v1" in _job("Send your CV to hiring.desk88@gmail.com")
    assert "labor.personal_email.v1" not in _job("Send your CV to jobs@northfield-supply.com")


def test_new_labour_indicators_map_to_ilo_and_cite_the_ftc_or_ilo() -> None:
    for ind_id in ("labor.upfront_purchase.v2", "labor.chat_interview.v1", "labor.personal_data_upfront.v1",
                   "labor.work_from_home.v1", "labor.easy_money.v2", "labor.vague_employer.v1"):
        ind = get(ind_id)
        assert ind.ilo and ind.evidence is not None
        assert {"ftc_jobscams", "ilo_fair2019", "ilo_ec2009", "vidros2017"} & set(ind.sources)


def test_money_mule_and_flexible_hours() -> None:
    assert "labor.money_mule.v1" in _job("Receive payments on behalf of our clients and keep 8% of each transfer.")
    assert "labor.money_mule.v1" not in _job("Your salary is paid into your bank account monthly.")
    assert "labor.flexible_hours.v1" in _job("Part-time, set your own hours.")


def test_sex_ad_indicators_do_not_read_job_ads() -> None:
    """In a job ad 'she will' describes a role and a masked phone is not an escort-ad signal."""
    text = "Office manager\nShe will run the front desk. Call seven0two 555 1234"
    phones = {"phones": [{"value": "+17025551234", "span": [49, 67], "obfuscated": True}]}
    as_job = {i["id"] for i in indicate(text, phones, kind="job")}
    as_ad = {i["id"] for i in indicate(text, phones, kind="ad")}
    assert {"control.third_person.v2", "obfuscation.phone.v2"} <= as_ad
    assert not {"control.third_person.v2", "obfuscation.phone.v2"} & as_job


def test_v2_signs_keep_to_their_sources_definition() -> None:
    """The v2 debt, purchase and availability signs fire on what their sources mean, not on ordinary
    job-ad wording the v1s fired on (debt collection, a buyer's duties, 24-hour shifts)."""
    from adtrace.indicators.registry import indicate

    assert "labor.debt.v2" in _job("Flights are arranged; the cost is repaid from your salary.")
    assert "labor.debt.v2" not in _job("Debt collection specialist for our finance team.")
    assert "labor.upfront_purchase.v2" not in _job("You will purchase equipment and supplies for the plant.")
    assert "labor.upfront_purchase.v2" in _job("Send the training fee via Western Union before you start.")
    assert "conditions.availability_247.v2" not in _job("Support desk open 24 hours, rotating shifts.")
    assert "conditions.availability_247.v2" in {i["id"] for i in indicate("Available 24/7, call me", {})}

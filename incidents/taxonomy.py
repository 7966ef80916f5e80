"""The ACLED event taxonomy: event types, their sub-types and the labels ACLED writes."""

from django.db import models


class EventType(models.TextChoices):
    BATTLES = "battles", "Battles"
    EXPLOSIONS_REMOTE_VIOLENCE = "explosions_remote_violence", "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", "Violence against civilians"
    PROTESTS = "protests", "Protests"
    RIOTS = "riots", "Riots"
    STRATEGIC_DEVELOPMENTS = "strategic_developments", "Strategic developments"


class SubEventType(models.TextChoices):
    ARMED_CLASH = "armed_clash", "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory", "Government regains territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "non_state_actor_overtakes_territory", "Non-state actor overtakes territory"
    CHEMICAL_WEAPON = "chemical_weapon", "Chemical weapon"
    AIR_DRONE_STRIKE = "air_drone_strike", "Air/drone strike"
    SUICIDE_BOMB = "suicide_bomb", "Suicide bomb"
    SHELLING_ARTILLERY_MISSILE_ATTACK = "shelling_artillery_missile_attack", "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE_LANDMINE_IED = "remote_explosive_landmine_ied", "Remote explosive/landmine/IED"
    GRENADE = "grenade", "Grenade"
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    ATTACK = "attack", "Attack"
    ABDUCTION_FORCED_DISAPPEARANCE = "abduction_forced_disappearance", "Abduction/forced disappearance"
    PEACEFUL_PROTEST = "peaceful_protest", "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "protest_with_intervention", "Protest with intervention"
    EXCESSIVE_FORCE_AGAINST_PROTESTERS = "excessive_force_against_protesters", "Excessive force against protesters"
    VIOLENT_DEMONSTRATION = "violent_demonstration", "Violent demonstration"
    MOB_VIOLENCE = "mob_violence", "Mob violence"
    AGREEMENT = "agreement", "Agreement"
    ARRESTS = "arrests", "Arrests"
    CHANGE_TO_GROUP_ACTIVITY = "change_to_group_activity", "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "disrupted_weapons_use", "Disrupted weapons use"
    HEADQUARTERS_OR_BASE_ESTABLISHED = "headquarters_or_base_established", "Headquarters or base established"
    LOOTING_PROPERTY_DESTRUCTION = "looting_property_destruction", "Looting/property destruction"
    NON_VIOLENT_TRANSFER_OF_TERRITORY = "non_violent_transfer_of_territory", "Non-violent transfer of territory"
    OTHER = "other", "Other"


S = SubEventType
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    EventType.BATTLES: (S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY),
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: (
        S.CHEMICAL_WEAPON,
        S.AIR_DRONE_STRIKE,
        S.SUICIDE_BOMB,
        S.SHELLING_ARTILLERY_MISSILE_ATTACK,
        S.REMOTE_EXPLOSIVE_LANDMINE_IED,
        S.GRENADE,
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (S.SEXUAL_VIOLENCE, S.ATTACK, S.ABDUCTION_FORCED_DISAPPEARANCE),
    EventType.PROTESTS: (S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE_AGAINST_PROTESTERS),
    EventType.RIOTS: (S.VIOLENT_DEMONSTRATION, S.MOB_VIOLENCE),
    EventType.STRATEGIC_DEVELOPMENTS: (
        S.AGREEMENT,
        S.ARRESTS,
        S.CHANGE_TO_GROUP_ACTIVITY,
        S.DISRUPTED_WEAPONS_USE,
        S.HEADQUARTERS_OR_BASE_ESTABLISHED,
        S.LOOTING_PROPERTY_DESTRUCTION,
        S.NON_VIOLENT_TRANSFER_OF_TERRITORY,
        S.OTHER,
    ),
}
EVENT_TYPE_OF: dict[str, str] = {sub: event for event, subs in SUB_EVENT_TYPES.items() for sub in subs}

# ACLED's disorder_type column, derived from the event type.
DISORDER_TYPE = {
    EventType.BATTLES: "Political violence",
    EventType.EXPLOSIONS_REMOTE_VIOLENCE: "Political violence",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "Political violence",
    EventType.PROTESTS: "Demonstrations",
    EventType.RIOTS: "Demonstrations",
    EventType.STRATEGIC_DEVELOPMENTS: "Strategic developments",
}


def is_valid_pair(event_type: str, sub_event_type: str) -> bool:
    return EVENT_TYPE_OF.get(sub_event_type) == event_type

"""Request → Plan: the rules decide when the wording settles it, otherwise the model's
validated JSON plan, corrected by the rules and the map."""

from __future__ import annotations

from outrigger.guards.stats import RepairStats
from outrigger.guards.structured import ChatModel, structured_reply
from outrigger.guards.switches import Guards
from outrigger.plan import Plan
from outrigger.planner.model_plan import ModelPlan, merge_model_plan, oriented, plan_messages
from outrigger.planner.rules import plan_by_rules
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.symbols import Symbol


async def make_plan(
    request: str,
    *,
    project_map: ProjectMap,
    model: ChatModel,
    guards: Guards,
    stats: RepairStats,
    cursor: Symbol | None = None,
    path: str | None = None,
) -> Plan:
    cursor_name = cursor.name if cursor else None
    cursor_file = cursor.path if cursor else path
    routing = guards.question_routing
    if routing and (plan := plan_by_rules(request, cursor_symbol=cursor_name, cursor_file=cursor_file)):
        return plan
    messages = plan_messages(request, project_map.files(), cursor_name)
    reply = await structured_reply(model, messages, ModelPlan, stats, schema_name="plan", repair=guards.json_repair)
    plan = merge_model_plan(request, reply, cursor_symbol=cursor_name, cursor_file=cursor_file, routing=routing)
    return oriented(plan, project_map)

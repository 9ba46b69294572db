"""Declarative flows: the model, the loader with its checks."""

from bot.flows.loader import load_flows
from bot.flows.model import FlowOption, Flows, Node

__all__ = ["FlowOption", "Flows", "Node", "load_flows"]

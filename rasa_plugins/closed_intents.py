"""A pipeline component that keeps closed intents (greet, deny, stop) to their own words.

It learns each closed intent's words from the training data and, after the intent
classifier, drops a closed intent from the ranking when the message has none of them
(rasa_plugins/closed_words.py says why). Put it after DIETClassifier and before the
FallbackClassifier in config.yml, with the intents it keeps:

    - name: rasa_plugins.closed_intents.ClosedIntentGuard
      intents: [greet, deny, stop]
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.closed_asked import Shape, ruled_out, without_ruled_out
from rasa_plugins.closed_ties import Tie, settled
from rasa_plugins.closed_words import closed_vocabularies, demoted, out_of_place

logger = logging.getLogger(__name__)
FILE_NAME = "closed_intents.json"


def rank_again(message: Message, ranking: list[dict[str, Any]]) -> None:
    """Give the message this intent ranking; its best intent (or none) becomes the intent."""
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    top = ranking[0] if ranking else {INTENT_NAME_KEY: None, "confidence": 0.0}
    message.set(INTENT, dict(top), add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ClosedIntentGuard(GraphComponent, IntentClassifier):
    """Drops a closed intent the message has no word of; the next intent moves up."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": ["greet", "deny", "stop"]}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 vocabularies: dict[str, list[str]] | None = None) -> None:
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self.vocabularies = vocabularies or {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ClosedIntentGuard:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = ((str(m.get(INTENT)), str(m.get(TEXT)))
                    for m in training_data.intent_examples)
        self.vocabularies = closed_vocabularies(examples, self.component_config["intents"])
        missing = [intent for intent, words in self.vocabularies.items() if not words]
        if missing:
            raise ValueError(f"closed intents with no training examples: {missing}")
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE_NAME).write_text(json.dumps(self.vocabularies), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> ClosedIntentGuard:
        with model_storage.read_from(resource) as directory:
            vocabularies = json.loads((directory / FILE_NAME).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, vocabularies)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._guard(message)
        return messages

    def _guard(self, message: Message) -> None:
        text = str(message.get(TEXT) or "")
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if not out_of_place(intent, text, self.vocabularies):
            return
        logger.debug("%s has none of its words; the next intent is taken", intent)
        rank_again(message, demoted(message.get(INTENT_RANKING_KEY) or [], text,
                                    self.vocabularies))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AskedShapeGuard(GraphComponent, IntentClassifier):
    """Drops an intent that the message's shape rules out (rasa_plugins/closed_asked.py says
    why); the next intent moves up. Its shapes are in config.yml:

        - name: rasa_plugins.closed_intents.AskedShapeGuard
          shapes:
            - intent: ask_pay
              when: "\\bqualify as\\b"
              unless: "\\b(pay|paid|earn|salary)\\b"
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"shapes": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self.shapes = [Shape.from_config(entry) for entry in config.get("shapes") or []]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> AskedShapeGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._guard(message)
        return messages

    def _guard(self, message: Message) -> None:
        text = str(message.get(TEXT) or "")
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if not ruled_out(intent, text, self.shapes):
            return
        logger.debug("the message's shape rules out %s; the next intent is taken", intent)
        rank_again(message, without_ruled_out(message.get(INTENT_RANKING_KEY) or [], text,
                                              self.shapes))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CloseCallGuard(GraphComponent, IntentClassifier):
    """Settles a close call between two readings that one answer serves
    (rasa_plugins/closed_ties.py says why). Its pairs are in config.yml, with `within` the
    FallbackClassifier's ambiguity_threshold:

        - name: rasa_plugins.closed_intents.CloseCallGuard
          within: 0.08
          ties:
            - prefer: start_values_check
              over: ask_story
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"within": 0.08, "ties": []}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self.within = float(config.get("within", 0.08))
        self.ties = [Tie.from_config(entry) for entry in config.get("ties") or []]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CloseCallGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = settled(message.get(INTENT_RANKING_KEY) or [], self.ties, self.within)
            if ranking is not None:
                logger.debug("a close call settled for %s", ranking[0]["name"])
                rank_again(message, ranking)
        return messages

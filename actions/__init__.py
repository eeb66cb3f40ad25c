"""Rasa custom actions: thin adapters that call one carecareers service each."""

"""One questionnaire engine: framework-driven forms, their answers and every view of them.

A questionnaire is a framework (sections > areas > criteria) answered by
someone: a city's membership application or award nomination today, a
progress report, a registration form or a practice submission tomorrow. The
engine holds no models: the app that owns the answers stores them (the calls
app's ``Answer``) and calls the engine for everything that depends on the
answer type or walks the framework.

- ``answers``: ``AnswerKind`` (one class an answer type, in ``answer_types/``),
  ``register``, ``answer_kind``, ``registered``, ``MissingItem``,
  ``InvalidValue``.
- ``tree``: ``questionnaire_tree``, ``build_tree``, ``SectionNode``,
  ``AreaNode``, ``QuestionnaireItem``, ``by_criterion``,
  ``documents_by_criterion``.
- ``forms``: ``AnswersForm`` (the answers of some criteria, one field each),
  ``answer_field_name``, ``evidence_field_name``.
- ``profile``: ``PROFILE_FIELDS`` (the one list of profile fields),
  ``ProfileField``, ``ProfileKind``, ``profile_rows``, ``profile_value``.
- ``values``: shared conversions (``as_integer``, ``as_decimal``,
  ``rating_scale``, ``word_count``).

It may import common, network, frameworks and accounts; never calls,
reviews or demo, which build on it.
"""

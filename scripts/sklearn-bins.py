#!/usr/bin/env python3
"""Writes fixtures/train/sklearn-bins.json: bin edges from scikit-learn's decision trees (max_leaf_nodes,
min_samples_leaf), the second implementation test/train/numeric-bins.test.ts checks fitBinEdges against.
Edges = [min, the tree's thresholds ascending, max]. Needs python3-sklearn and pandas (Debian packages).
Run from the repository root: python3 scripts/sklearn-bins.py"""
import json
import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor


def edges(tree, x):
    thresholds = tree.tree_.threshold[tree.tree_.feature >= 0]
    return [float(v) for v in np.unique(np.concatenate([[x.min()], thresholds, [x.max()]]))]


def fit(model, x, y):
    return edges(model.fit(x.reshape(-1, 1), y), x)


cases = []
census = pd.read_csv('fixtures/census/adult.data.csv', sep=', ', engine='python')
income = (census.income_bracket.str.rstrip('.') == '>50K').astype(int).values
for column in ['age', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week']:
    x = census[column].values.astype(np.float64)
    cases.append({'name': f'census {column} -> income over 50K (Gini)', 'file': 'fixtures/census/adult.data.csv', 'feature': column,
                  'target': 'income_bracket', 'kind': 'binary', 'bins': 16, 'minRows': 64,
                  'edges': fit(DecisionTreeClassifier(max_leaf_nodes=16, min_samples_leaf=64, random_state=0), x, income)})
x = census.age.values.astype(np.float64)
cases.append({'name': 'census age -> hours_per_week (squared error)', 'file': 'fixtures/census/adult.data.csv', 'feature': 'age',
              'target': 'hours_per_week', 'kind': 'regression', 'bins': 12, 'minRows': 100,
              'edges': fit(DecisionTreeRegressor(max_leaf_nodes=12, min_samples_leaf=100, random_state=0), x, census.hours_per_week.values)})
blobs = pd.read_csv('fixtures/cli/blobs.csv')
classes = ['alpha', 'beta', 'gamma']
kind = blobs.kind.map(classes.index).values
for column in ['x', 'y', 'size']:
    x = blobs[column].values.astype(np.float32).astype(np.float64)  # the values as the transform's float32 gives them
    cases.append({'name': f'blobs {column} -> kind, 3 classes (Gini)', 'file': 'fixtures/cli/blobs.csv', 'feature': column,
                  'target': 'kind', 'kind': 'classes', 'classes': classes, 'bins': 8, 'minRows': 5,
                  'edges': fit(DecisionTreeClassifier(max_leaf_nodes=8, min_samples_leaf=5, random_state=0), x, kind)})
with open('fixtures/train/sklearn-bins.json', 'w') as out:
    json.dump({'generator': 'scripts/sklearn-bins.py', 'cases': cases}, out, indent=1)
    out.write('\n')
print(f'wrote fixtures/train/sklearn-bins.json ({len(cases)} cases)')

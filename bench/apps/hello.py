"""The reference for the browser benchmarks: a one-line Streamlit app."""

import streamlit as st

st.title("Hello")
